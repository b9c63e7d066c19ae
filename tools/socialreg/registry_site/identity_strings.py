"""The verify page's words about look-alikes and platforms, in each language of the site.

Kept apart from i18n.py so that the identity checks can change without touching the site's
other texts. {organization} and {email} are filled in by the build; the script fills the rest.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "lookalike": (
            "This is not an official account of {organization}, but it looks like {official} "
            "— an impersonation is possible; report it to {email}."
        ),
        "account": "{handle} on {platform}",
        "reason_same": "written with look-alike or invisible characters",
        "reason_separators": "only the dots, underscores or hyphens differ",
        "reason_words": 'a word like "official", "real" or "team" was added',
        "reason_one": "one character differs",
        "only_on": (
            "{handle} is an official account of {organization} only on {platforms}. The same "
            "handle on any other platform is not ours."
        ),
    },
    "sv": {
        "lookalike": (
            "Det här är inte ett officiellt konto för {organization}, men det liknar {official} "
            "— någon kan försöka utge sig för att vara oss; anmäl det till {email}."
        ),
        "account": "{handle} på {platform}",
        "reason_same": "skrivet med tecken som liknar andra eller inte syns",
        "reason_separators": "bara punkter, understreck eller bindestreck skiljer",
        "reason_words": "ett ord som ”official”, ”real” eller ”team” har lagts till",
        "reason_one": "ett tecken skiljer",
        "only_on": (
            "{handle} är ett officiellt konto för {organization} bara på {platforms}. Samma "
            "användarnamn på andra plattformar är inte vårt."
        ),
    },
}


def identity_strings(language: str, organization: str, email: str) -> dict[str, str]:
    strings = STRINGS.get(language, STRINGS["en"])
    return {
        key: text.replace("{organization}", organization).replace("{email}", email)
        for key, text in strings.items()
    }
