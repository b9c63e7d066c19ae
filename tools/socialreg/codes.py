"""Every code socialreg reports, with its title: the one table of codes.

A code never changes meaning once published: people search for it, waivers name it and
`socialreg explain` explains it. The rule modules (`socialreg.rules`) register a check and its
documentation under a code from this table; the loader and the schema check use the named
constants below. A test keeps the table and the registry in step.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # Reading the file (socialreg.load)
    "SR001": "The file can be read as UTF-8 text of reasonable size",
    "SR002": "The file is valid YAML",
    "SR003": "No key appears twice",
    "SR004": "The file holds one record of key: value lines",
    "SR005": "No alias bombs",
    "SR006": "Dates are real dates written YYYY-MM-DD",
    "SR007": "Text that YAML would read as something else is quoted",
    # The shape of the file (socialreg.check.schemas) and its place
    "SR010": "Unknown keys are errors",
    "SR011": "Required keys are present",
    "SR012": "Values have the expected kind and form",
    "SR013": "Files are in the right folder and named by their id",
    "SR014": "The unit exists and is the folder the file is in",
    "SR015": "The platform is one the policy lists, and the address matches it",
    "SR016": "The rule settings in org/policy.yaml name real rules and options",
    "SR017": "The org/ files refer to accounts and people that exist",
    # Accounts
    "SR101": "A clear purpose, measurable goals and named target audiences",
    "SR102": "A named owner who also moderates the account",
    "SR103": "The owner's supervisor approves: a supervisor of the unit, not the owner",
    "SR104": "The communications office was told before the decision and checked existing channels",
    "SR105": "Monitored daily by at least two moderators, with holiday cover",
    "SR106": "Questions answered within 24 hours",
    "SR107": "Published house rules, a tone, and crimes reported to the police",
    "SR108": "One registration per handle, address and id; related accounts are named and exist",
    "SR109": "No new accounts during a moratorium without a waiver",
    "SR110": "A personal data assessment is referenced",
    "SR111": "The organisation's logo only with the branding owner's approval",
    "SR112": "Pilots have an end date within the allowed time, and do not run past it",
    "SR113": "Every record is confirmed at least once a year",
    "SR114": "Accounts are archived with a date and reason, never deleted",
    "SR115": "Contact e-mail addresses belong to the organisation",
    "SR116": "An approved request is opened within a month",
    # Proof of identity (socialreg.identity)
    "SR120": "The handle and the permanent id have the platform's form",
    "SR121": "A new handle does not look like another official handle",
    "SR125": "The platform still confirms the account (audit --online)",
    "SR130": "The handle and the address name the same account",
    "SR131": "The handle is a user name, not an address",
    "SR132": "No typographic quotes or invisible characters in handles and addresses",
    "SR133": "Holiday cover and tone are written as routines, not a word or two",
    # Campaigns
    "SR201": "The brief reaches the communications office at least 14 days before the start",
    "SR202": "The end is not before the start, and the status agrees with the dates",
    "SR203": "The sender account exists, is active and may send ads",
    "SR204": "No forbidden placements; Instagram ads run from the own Instagram account",
    "SR205": "The communications office approves the proof before the ads are approved or live",
    "SR206": "The communications office can stop the ads",
    "SR207": "Ads are accessible: alt text and captions",
    "SR208": "Ads are checked at least twice a day and answers signed with a first name",
    # Everywhere
    "SR301": "Waivers name their rule, reason, approver and expiry, and are still needed",
}

UNREADABLE = "SR001"
YAML_SYNTAX = "SR002"
DUPLICATE_KEY = "SR003"
DOCUMENT_SHAPE = "SR004"
ALIAS_BOMB = "SR005"
INVALID_DATE = "SR006"
YAML_SURPRISE = "SR007"
UNKNOWN_KEY = "SR010"
MISSING_KEY = "SR011"
WRONG_VALUE = "SR012"
FILE_PLACE = "SR013"
POLICY_SETTINGS = "SR016"
ORG_REFERENCES = "SR017"
WAIVERS = "SR301"


def title(code: str) -> str:
    """The title of `code`; a code missing from the table is a programming error."""
    try:
        return CODES[code]
    except KeyError:
        raise KeyError(f"{code} is not in socialreg.codes.CODES; add it there first") from None
