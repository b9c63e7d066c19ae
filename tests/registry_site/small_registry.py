"""A small registry of its own for the site tests, independent of the example organisation.

A fictional Finnish town that publishes in Finnish, Swedish and English: three units, a few
accounts (one with its own Swedish name), one archived account. Only what the site reads is
written; `build_site` renders whatever it is given, so the records need not be complete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

ORGANIZATION = """\
name: Kallio Town
email_domains: [kallio.example]
communications:
  name: Communications
  email: viestinta@kallio.example
  reviewers: [a-reviewer]
maintainers: [a-maintainer]
registry:
  title: Kallio Town's social media accounts
  languages: {languages}
  contact_email: some@kallio.example
  base_url: https://some.kallio.example
  translations:
    fi:
      title: Kallion kaupungin some-tilit
      organization: Kallion kaupunki
    sv:
      title: Kallio stads konton i sociala medier
      organization: Kallio stad
  logo:
    file: org/logo.svg
    alt: Kallio Town
  accent_color: "{accent}"
  website: https://www.kallio.example
  footer_links:
    - text: Accessibility statement
      url: https://www.kallio.example/accessibility
      translations:
        fi: Saavutettavuusseloste
        sv: Tillgänglighetsutlåtande
"""

UNITS = """\
units:
  culture:
    name: Culture Services
    contact_email: culture@kallio.example
  library:
    name: Kallio Library
    contact_email: library@kallio.example
  youth:
    name: Youth Services
    contact_email: youth@kallio.example
"""

POLICY = """\
platforms:
  instagram: {name: Instagram}
  facebook: {name: Facebook}
  youtube: {name: YouTube}
"""

ACCOUNT = """\
name: {name}
platform: {platform}
handle: "{handle}"
url: {url}
unit: {unit}
status: {status}
purpose: {purpose}
audiences: [Residents of Kallio]
decision: {{date: 2025-03-01}}
review: {{last: 2026-10-01}}
{extra}"""

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">'
    '<rect width="48" height="48" fill="#1d4f2a"/></svg>\n'
)


def account(
    folder: Path,
    unit: str,
    account_id: str,
    name: str,
    platform: str = "instagram",
    status: str = "active",
    extra: str = "",
) -> None:
    handle = "@" + account_id.replace("-", "")[:28]
    host = {"instagram": "www.instagram.com", "facebook": "www.facebook.com"}.get(
        platform, "www.youtube.com"
    )
    path = handle if platform == "youtube" else handle.lstrip("@")
    text = ACCOUNT.format(
        name=name,
        platform=platform,
        handle=handle,
        url=f"https://{host}/{path}",
        unit=unit,
        status=status,
        purpose=f"News from {name} for the residents of Kallio.",
        extra=extra,
    )
    target = folder / "accounts" / unit / f"{account_id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def make_registry(
    root: Path,
    languages: str = "[fi, sv, en]",
    accent: str = "#1d4f2a",
    extra_accounts: int = 0,
) -> Path:
    """Write the small registry at `root` and return it."""
    (root / "org").mkdir(parents=True)
    shutil.copytree(REPOSITORY / "schemas", root / "schemas")
    (root / "campaigns").mkdir()
    (root / "org" / "organization.yaml").write_text(
        ORGANIZATION.format(languages=languages, accent=accent), encoding="utf-8"
    )
    (root / "org" / "units.yaml").write_text(UNITS, encoding="utf-8")
    (root / "org" / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (root / "org" / "logo.svg").write_text(LOGO, encoding="utf-8")
    account(
        root,
        "library",
        "kallio-library-instagram",
        "Kallion kirjasto",
        extra="translations:\n  sv: {name: Kallio bibliotek, purpose: Nyheter från biblioteket.}\n",
    )
    account(root, "culture", "kallio-culture-facebook", "Kallio Culture", "facebook")
    account(root, "youth", "kallio-youth-youtube", "Kallio Youth", "youtube", "paused")
    account(
        root,
        "youth",
        "kallio-youth-old-instagram",
        "Kallio Youth (old)",
        status="archived",
        extra="archived: {date: 2024-05-31, reason: Replaced by the YouTube channel.}\n",
    )
    for number in range(extra_accounts):
        account(
            root, "library", f"kallio-reading-circle-{number:03d}", f"Reading circle {number:03d}"
        )
    return root
