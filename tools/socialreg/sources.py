"""The documents the rules come from: one table, cited by name everywhere.

Every rule's documentation (`socialreg explain`, docs/rules.md, the bot's comment, SARIF) and
many messages name the document a rule comes from, so a reviewer can read why the rule exists.
They cite it as people do: "Karolinska Institutet, *Setting up a social media account*". The
public guidance pages are kept in docs/sources/, and docs/sources.md is generated from this
table (`socialreg generate`), so a citation always leads to a text in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCES_FOLDER = "docs/sources"


@dataclass(frozen=True, slots=True)
class Source:
    """A document the rules come from."""

    key: str
    organisation: str
    title: str
    language: str
    requires: str
    file: str  # relative to the repository root

    @property
    def citation(self) -> str:
        """How messages and pages name the source."""
        return f"{self.organisation}, *{self.title}*"


SOURCES: tuple[Source, ...] = (
    Source(
        "ki",
        "Karolinska Institutet",
        "Setting up a social media account",
        "English",
        "read the guidelines; a clear purpose, goals and target audiences; resources to monitor "
        "the account daily, even in holidays; approval of the immediate supervisor with "
        "operational responsibility; register with the Communications Office, which checks for "
        "existing channels",
        f"{SOURCES_FOLDER}/karolinska-setting-up-a-social-media-account.txt",
    ),
    Source(
        "stockholm-new",
        "City of Stockholm",
        "Guide – starta nytt konto",
        "Swedish",
        "a moratorium on new accounts (Schrems II, personal data); read the policy; look for "
        "existing accounts to join instead; purpose tied to the unit's mission, measurable "
        "goals, target groups, a designated responsible person for planning, publishing, "
        "follow-up, monitoring and moderation; choose the platform; organisation and routines; "
        "document the decision with a checklist",
        f"{SOURCES_FOLDER}/stockholm-guide-starta-nytt-konto.txt",
    ),
    Source(
        "stockholm-ads",
        "City of Stockholm",
        "Rutiner för annonsering i stadsgemensamma sociala medier",
        "Swedish",
        "ad campaigns on shared accounts: a brief in good time (what, dates, budget, audience, "
        "who needs editor rights); proof reviewed by the central office before publishing; the "
        "agency gets advertiser rights, the central office keeps rights to stop ads in a "
        "crisis; no Audience Network placements; Instagram ads run from the city's own "
        "account; accessibility; posts and ads monitored twice a day; questions answered within "
        "24 hours, or the next working day at weekends; answers signed with a first name",
        f"{SOURCES_FOLDER}/stockholm-rutiner-for-annonsering.txt",
    ),
    Source(
        "consultancy",
        "A Swedish communications consultancy",
        "Dina sociala medier är levande!",
        "Swedish",
        "do not ghost: a dialogue policy that says how fast to answer, in which tone, where the "
        "line goes (published house rules), crimes reported to the police (screenshot, then "
        "remove), and a page of answers to frequent questions",
        f"{SOURCES_FOLDER}/consultancy-dina-sociala-medier-ar-levande.txt",
    ),
    Source(
        "nhs-library",
        "An NHS library blog",
        "Can I have one of those? Getting your own social media",
        "English",
        "earning the communications department's trust: scope limited to the unit's own work, "
        "the organisation's policy read, branding rules (no organisation logo without the "
        "branding guidelines' owner; a distinct identity), and a pilot with a short but "
        "extendable life",
        f"{SOURCES_FOLDER}/nhs-library-can-i-have-one-of-those.txt",
    ),
    Source(
        "socialreg",
        "socialreg",
        "How records are written and checked",
        "English",
        "the record format: files in their unit's folder, named by their id; units, platforms "
        "and people as org/ defines them; contact addresses in the organisation's e-mail "
        "domains; accounts archived, not deleted; exceptions written as waivers that expire",
        "README.md",
    ),
)

_BY_KEY = {source.key: source for source in SOURCES}


def source(key: str) -> Source:
    """The source with this key (a KeyError names a typo in the rule modules at import)."""
    return _BY_KEY[key]


# The citations the rule modules use, by the short names they have always used.
KI = source("ki").citation
STOCKHOLM_NEW = source("stockholm-new").citation
STOCKHOLM_ADS = source("stockholm-ads").citation
CONSULTANCY = source("consultancy").citation
NHS_LIBRARY = source("nhs-library").citation
RECORD_FORMAT = source("socialreg").citation


def sources_markdown() -> str:
    """docs/sources.md: the table of sources, for people."""
    lines = [
        "<!-- Written by `socialreg generate` from tools/socialreg/sources.py; do not edit. -->",
        "",
        "# Where the rules come from",
        "",
        "Each rule names its source (`socialreg explain CODE`, [rules.md](rules.md)). The public "
        "guidance pages are kept as text in [sources/](sources/), so every citation can be read "
        "in this repository.",
        "",
        "| organisation | title | language | what it requires | text |",
        "|---|---|---|---|---|",
    ]
    for entry in SOURCES:
        link = entry.file.removeprefix("docs/")
        target = f"../{entry.file}" if link == entry.file else link
        lines.append(
            f"| {entry.organisation} | *{entry.title}* | {entry.language} | {entry.requires} "
            f"| [{entry.file}]({target}) |"
        )
    return "\n".join(lines) + "\n"
