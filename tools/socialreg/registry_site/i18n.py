"""The registry's interface text in English and Swedish.

`org/organization.yaml` chooses the language (`registry.language`). Record text (names,
purposes) is shown as written; only the words around it come from here. Templates ask for a
string by key; a test keeps both languages with the same keys and the same {placeholders}.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "sv")

_EN: dict[str, str] = {
    "skip_to_content": "Skip to the content",
    "nav_label": "Registry",
    "nav_accounts": "Official accounts",
    "nav_verify": "Check an account",
    "nav_campaigns": "Campaigns",
    "nav_archive": "Archived accounts",
    "nav_data": "Download the data",
    "intro": (
        "These are the social media accounts that {organization} runs officially. An account "
        "that is not listed here is not an official account of {organization}."
    ),
    "last_updated": "Last updated",
    "contact_line": "Questions about the registry:",
    "contact_unit": "Contact",
    "accounts_caption": "Official accounts of {organization}",
    "column_name": "Name",
    "column_platform": "Platform",
    "column_handle": "Handle",
    "column_unit": "Unit",
    "column_status": "Status",
    "column_since": "Registered since",
    "column_closed": "No longer official since",
    "column_title": "Campaign",
    "column_sender": "Sent from",
    "column_dates": "Dates",
    "filters_heading": "Search and filter",
    "search_label": "Search by name, handle, platform or unit",
    "platform_label": "Platform",
    "unit_label": "Unit",
    "status_label": "Status",
    "any_platform": "All platforms",
    "any_unit": "All units",
    "any_status": "All statuses",
    "reset_filters": "Show all accounts",
    "count_all": "Showing all {total} accounts.",
    "count_some": "Showing {shown} of {total} accounts.",
    "count_none": "No account matches. Try fewer words or another filter.",
    "count_limited": "{matches} of {total} accounts match. The first {shown} are shown.",
    "show_more": "Show {more} more",
    "show_more_static": "Show more accounts",
    "noscript_filters": (
        "Search and filters need JavaScript. All accounts are listed below; your browser's "
        "find function (Ctrl+F) searches them too."
    ),
    "no_accounts": "There are no official accounts yet.",
    "status_requested": "requested",
    "status_pilot": "pilot",
    "status_active": "active",
    "status_paused": "paused",
    "status_archived": "archived",
    "official_statement": "This is an official account of {organization}.",
    "paused_note": "The account is paused: it is kept, but nobody posts or answers there for now.",
    "pilot_note": "The account is a pilot that runs until {date}.",
    "archived_statement": (
        "This account is no longer an official account of {organization}. It was closed on {date}."
    ),
    "archived_reason": "Why it was closed",
    "archived_warning": (
        "Posts made after that date do not come from {organization}. Report accounts that "
        "pretend to be {organization} to {email}."
    ),
    "field_name": "Name",
    "field_platform": "Platform",
    "field_handle": "Handle",
    "field_link": "Address",
    "field_unit": "Unit",
    "field_purpose": "Purpose",
    "field_audiences": "Audiences",
    "field_status": "Status",
    "field_since": "Registered since",
    "field_reviewed": "Last reviewed",
    "field_pilot_ends": "Pilot ends",
    "field_closed": "Closed on",
    "no_link": "(the address is not shown because it is not a secure https address)",
    "waivers_heading": "Exceptions to the policy",
    "waiver_line": "Rule {rule}, until {expires}: {reason}",
    "back_to_list": "Back to all official accounts",
    "verify_heading": "Check an account",
    "verify_intro": (
        "Paste the address of a profile (for example https://www.instagram.com/name) or a "
        "handle (for example @name) to see whether it is an official account of {organization}."
    ),
    "verify_label": "Profile address or handle",
    "verify_button": "Check",
    "verify_noscript": (
        "The check needs JavaScript. Without it, look for the account in the list of official "
        "accounts and the list of archived accounts."
    ),
    "verify_empty": "Write a profile address or a handle first.",
    "verify_official": "Official: this is an account of {organization}.",
    "verify_archived": (
        "Archived: this was an account of {organization}, but it is no longer official."
    ),
    "verify_not_found": (
        "Not found in the registry: it may not be an official account of {organization}. If it "
        "uses our name, tell us at {email}."
    ),
    "verify_requested": (
        "Approved, not yet opened: {organization} has approved this account, but it has not "
        "been opened yet. Until it is listed here as official, a profile with this name is not "
        "ours; if you see one, tell us at {email}."
    ),
    "verify_match": "{name} on {platform} ({handle})",
    "campaigns_heading": "Advertising campaigns",
    "campaigns_intro": (
        "Paid advertising that {organization} runs now or will run soon, and the account each "
        "campaign is sent from."
    ),
    "campaigns_caption": "Current and upcoming campaigns",
    "campaigns_none": "No campaign is running or planned right now.",
    "campaign_current": "running now",
    "campaign_upcoming": "upcoming",
    "campaign_dates": "{starts} to {ends}",
    "archive_heading": "Archived accounts",
    "archive_intro": (
        "These accounts were once official accounts of {organization} and are no longer used. "
        "They are kept here so that an old link can still be checked."
    ),
    "archive_caption": "Accounts that are no longer official",
    "archive_none": "No account has been archived.",
    "data_heading": "Download the data",
    "data_json": "registry.json: every official and archived account and campaign, as JSON",
    "data_schema": "registry.schema.json: the JSON Schema that describes registry.json",
    "data_csv": "registry.csv: the accounts as a spreadsheet (CSV)",
    "data_ics": "campaigns.ics: the campaigns as a calendar (iCalendar)",
    "data_feed": "feed.xml: newly registered accounts as a news feed (Atom)",
    "external_link_note": "(opens the platform)",
    "feed_title": "{title}: new accounts",
    "feed_entry": "{name} on {platform} is now an official account of {organization}.",
    "ics_summary": "{title} (advertising campaign)",
    "ics_description": "{summary}\n\nSent from: {sender}.",
    "page_not_found": "Page not found",
}

_SV: dict[str, str] = {
    "skip_to_content": "Hoppa till innehållet",
    "nav_label": "Registret",
    "nav_accounts": "Officiella konton",
    "nav_verify": "Kontrollera ett konto",
    "nav_campaigns": "Kampanjer",
    "nav_archive": "Arkiverade konton",
    "nav_data": "Ladda ner data",
    "intro": (
        "Det här är de konton i sociala medier som {organization} driver officiellt. Ett konto "
        "som inte finns här är inte ett officiellt konto för {organization}."
    ),
    "last_updated": "Senast uppdaterad",
    "contact_line": "Frågor om registret:",
    "contact_unit": "Kontakt",
    "accounts_caption": "Officiella konton för {organization}",
    "column_name": "Namn",
    "column_platform": "Plattform",
    "column_handle": "Användarnamn",
    "column_unit": "Enhet",
    "column_status": "Status",
    "column_since": "Registrerat sedan",
    "column_closed": "Inte längre officiellt sedan",
    "column_title": "Kampanj",
    "column_sender": "Skickas från",
    "column_dates": "Datum",
    "filters_heading": "Sök och filtrera",
    "search_label": "Sök på namn, användarnamn, plattform eller enhet",
    "platform_label": "Plattform",
    "unit_label": "Enhet",
    "status_label": "Status",
    "any_platform": "Alla plattformar",
    "any_unit": "Alla enheter",
    "any_status": "Alla statusar",
    "reset_filters": "Visa alla konton",
    "count_all": "Visar alla {total} konton.",
    "count_some": "Visar {shown} av {total} konton.",
    "count_none": "Inget konto matchar. Försök med färre ord eller ett annat filter.",
    "count_limited": "{matches} av {total} konton matchar. De första {shown} visas.",
    "show_more": "Visa {more} till",
    "show_more_static": "Visa fler konton",
    "noscript_filters": (
        "Sökning och filter kräver JavaScript. Alla konton finns i listan nedan; webbläsarens "
        "sökfunktion (Ctrl+F) söker också i dem."
    ),
    "no_accounts": "Det finns inga officiella konton ännu.",
    "status_requested": "begärt",
    "status_pilot": "på prov",
    "status_active": "aktivt",
    "status_paused": "pausat",
    "status_archived": "arkiverat",
    "official_statement": "Det här är ett officiellt konto för {organization}.",
    "paused_note": (
        "Kontot är pausat: det finns kvar, men ingen publicerar eller svarar där just nu."
    ),
    "pilot_note": "Kontot är på prov till och med {date}.",
    "archived_statement": (
        "Det här kontot är inte längre ett officiellt konto för {organization}. Det stängdes "
        "{date}."
    ),
    "archived_reason": "Varför det stängdes",
    "archived_warning": (
        "Inlägg efter det datumet kommer inte från {organization}. Anmäl konton som utger sig "
        "för att vara {organization} till {email}."
    ),
    "field_name": "Namn",
    "field_platform": "Plattform",
    "field_handle": "Användarnamn",
    "field_link": "Adress",
    "field_unit": "Enhet",
    "field_purpose": "Syfte",
    "field_audiences": "Målgrupper",
    "field_status": "Status",
    "field_since": "Registrerat sedan",
    "field_reviewed": "Senast granskat",
    "field_pilot_ends": "Provperioden slutar",
    "field_closed": "Stängt",
    "no_link": "(adressen visas inte eftersom den inte är en säker https-adress)",
    "waivers_heading": "Undantag från policyn",
    "waiver_line": "Regel {rule}, till och med {expires}: {reason}",
    "back_to_list": "Tillbaka till alla officiella konton",
    "verify_heading": "Kontrollera ett konto",
    "verify_intro": (
        "Klistra in adressen till en profil (till exempel https://www.instagram.com/namn) eller "
        "ett användarnamn (till exempel @namn) för att se om det är ett officiellt konto för "
        "{organization}."
    ),
    "verify_label": "Profilens adress eller användarnamn",
    "verify_button": "Kontrollera",
    "verify_noscript": (
        "Kontrollen kräver JavaScript. Utan det kan du leta efter kontot i listan över "
        "officiella konton och listan över arkiverade konton."
    ),
    "verify_empty": "Skriv först en profiladress eller ett användarnamn.",
    "verify_official": "Officiellt: det här är ett konto för {organization}.",
    "verify_archived": (
        "Arkiverat: det här var ett konto för {organization}, men det är inte längre officiellt."
    ),
    "verify_not_found": (
        "Finns inte i registret: det är kanske inte ett officiellt konto för {organization}. Om "
        "det använder vårt namn, berätta det för oss på {email}."
    ),
    "verify_requested": (
        "Godkänt, ännu inte öppnat: {organization} har godkänt kontot, men det har inte öppnats "
        "ännu. Tills det står här som officiellt är en profil med det namnet inte vår; om du ser "
        "en, berätta det för oss på {email}."
    ),
    "verify_match": "{name} på {platform} ({handle})",
    "campaigns_heading": "Annonskampanjer",
    "campaigns_intro": (
        "Betald annonsering som {organization} gör nu eller snart, och kontot som varje kampanj "
        "skickas från."
    ),
    "campaigns_caption": "Pågående och kommande kampanjer",
    "campaigns_none": "Ingen kampanj pågår eller är planerad just nu.",
    "campaign_current": "pågår",
    "campaign_upcoming": "kommande",
    "campaign_dates": "{starts} till {ends}",
    "archive_heading": "Arkiverade konton",
    "archive_intro": (
        "De här kontona var tidigare officiella konton för {organization} och används inte "
        "längre. De finns kvar här så att en gammal länk fortfarande kan kontrolleras."
    ),
    "archive_caption": "Konton som inte längre är officiella",
    "archive_none": "Inget konto har arkiverats.",
    "data_heading": "Ladda ner data",
    "data_json": "registry.json: alla officiella och arkiverade konton och kampanjer, som JSON",
    "data_schema": "registry.schema.json: JSON-schemat som beskriver registry.json",
    "data_csv": "registry.csv: kontona som kalkylblad (CSV)",
    "data_ics": "campaigns.ics: kampanjerna som kalender (iCalendar)",
    "data_feed": "feed.xml: nyregistrerade konton som nyhetsflöde (Atom)",
    "external_link_note": "(öppnar plattformen)",
    "feed_title": "{title}: nya konton",
    "feed_entry": "{name} på {platform} är nu ett officiellt konto för {organization}.",
    "ics_summary": "{title} (annonskampanj)",
    "ics_description": "{summary}\n\nSkickas från: {sender}.",
    "page_not_found": "Sidan finns inte",
}

STRINGS: Mapping[str, Mapping[str, str]] = {"en": _EN, "sv": _SV}


class Translator:
    """The interface text of one language: `t("key", name=value)`."""

    def __init__(self, language: str) -> None:
        self.language = language if language in STRINGS else "en"
        self._strings = STRINGS[self.language]

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings[key]
        return text.format(**values) if values else text

    def status(self, status: str) -> str:
        return self._strings.get(f"status_{status}", status)

    def filled(self, **values: str) -> dict[str, str]:
        """Every string with the given {placeholders} filled and the others left open.

        Pages rendered thousands of times read these instead of calling the translator, and
        fill a per-record placeholder with `|replace("{date}", ...)`.
        """
        filled = {}
        for key, text in self._strings.items():
            for name, value in values.items():
                text = text.replace("{" + name + "}", value)
            filled[key] = text
        return filled

    def script_strings(self) -> dict[str, str]:
        """The strings the browser scripts need, with their {placeholders} left in."""
        keys = (
            "count_all",
            "count_some",
            "count_none",
            "count_limited",
            "show_more",
            "verify_empty",
            "verify_official",
            "verify_archived",
            "verify_not_found",
            "verify_requested",
            "verify_match",
        )
        return {key: self._strings[key] for key in keys}
