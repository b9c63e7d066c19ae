"""Proofs of identity that other software reads, written by `socialreg build`.

- `.well-known/official-accounts.json`: the organisation's official accounts, for software
  that wants to know whether an account speaks for the organisation (the domain-wide list
  Mastodon discussed in mastodon/mastodon#21985). Its format is
  static/official-accounts.schema.json, versioned like registry.json.
- schema.org JSON-LD on the front page: the Organization with `sameAs` naming every official
  account, as search engines and govdirectory read it.
- For Bluesky handles under the organisation's own domains: what the domain must publish so
  the handle proves itself (atproto handle resolution: a `_atproto` DNS TXT record
  `did=<DID>`, or `https://<handle>/.well-known/atproto-did` answering the DID). These are
  listed for the maintainers in `identity-proofs.txt`; when the handle is the registry's own
  host, the build writes the `.well-known/atproto-did` file itself.

The account pages carry `rel="me"` links to the profiles (templates/account.html), which is
what Mastodon checks before it shows the registry link on a profile as verified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from socialreg.registry_site.model import Account, Registry

SCHEMA_VERSION = "1.0.0"
SCHEMA_FILE = "official-accounts.schema.json"
WELL_KNOWN_FILE = ".well-known/official-accounts.json"
PROOFS_FILE = "identity-proofs.txt"


def _profile(account: Account) -> str | None:
    return account.url


def official_accounts_document(registry: Registry) -> dict[str, Any]:
    schema = registry.absolute(SCHEMA_FILE) or f"../{SCHEMA_FILE}"
    accounts = []
    for account in registry.official_accounts:
        entry: dict[str, Any] = {
            "platform": account.platform,
            "platform_name": account.platform_name,
            "handle": account.handle,
            "url": account.url,
            "platform_id": account.platform_id or None,
            "name": account.name,
            "unit": account.unit.name,
            "status": account.status,
            "registry_page": registry.absolute(account.page) or account.page,
        }
        accounts.append(entry)
    return {
        "$schema": schema,
        "schema_version": SCHEMA_VERSION,
        "generated": registry.generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "organization": {
            "name": registry.organization,
            "contact_email": registry.contact_email,
            "domains": list(registry.domains),
            **({"registry": registry.base_url} if registry.base_url else {}),
        },
        "accounts": accounts,
    }


def official_accounts_json(registry: Registry) -> str:
    return json.dumps(official_accounts_document(registry), ensure_ascii=False, indent=1) + "\n"


# The JSON-LD sits in the front page, which must stay light for a phone: with thousands of
# accounts, sameAs alone weighed 400 KB. Past this many it names the first accounts in name
# order; the whole list is /.well-known/official-accounts.json.
MAX_SAME_AS = 100


def json_ld(registry: Registry) -> str:
    """schema.org Organization with sameAs, safe to place inside a <script> element."""
    urls = dict.fromkeys(account.url for account in registry.official_accounts if account.url)
    same_as = sorted(list(urls)[:MAX_SAME_AS])
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": registry.organization,
        "email": registry.contact_email or None,
        "url": registry.base_url,
        "sameAs": same_as,
    }
    text = json.dumps({key: value for key, value in data.items() if value}, ensure_ascii=False)
    # Record text must never end the script element or read as markup.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True, slots=True)
class BlueskyProof:
    handle: str
    did: str  # "" when the record does not name its DID yet
    on_this_site: bool  # the handle is the registry's own host

    @property
    def dns_name(self) -> str:
        return f"_atproto.{self.handle}"

    @property
    def txt_value(self) -> str:
        return f"did={self.did}"

    @property
    def well_known_url(self) -> str:
        return f"https://{self.handle}/.well-known/atproto-did"

    def describe(self) -> str:
        if not self.did:
            return (
                f"{self.handle}: the record names no DID (platform_id), so the proof cannot be "
                "listed. Add the account's did:plc:... as platform_id."
            )
        where = " (written by this build)" if self.on_this_site else ""
        return (
            f'{self.handle}: DNS TXT record {self.dns_name} = "{self.txt_value}", '
            f"or {self.well_known_url} answering {self.did}{where}"
        )


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def bluesky_proofs(registry: Registry) -> list[BlueskyProof]:
    """The Bluesky handles under the organisation's domains, and what proves each."""
    site_host = registry.base_url.split("/")[2].lower() if registry.base_url else ""
    proofs = []
    for account in registry.official_accounts:
        if account.platform != "bluesky":
            continue
        handle = account.handle.strip().lstrip("@").lower()
        if handle and _under(handle, registry.domains):
            did = account.platform_id if account.platform_id.startswith("did:") else ""
            proofs.append(BlueskyProof(handle, did, handle == site_host))
    return proofs


def proofs_text(registry: Registry) -> str:
    proofs = bluesky_proofs(registry)
    lines = [
        "Proofs of identity for the registry's maintainers (written by socialreg build).",
        "",
        "Bluesky handles under the organisation's domains prove themselves when the domain",
        "publishes the account's DID (https://atproto.com/specs/handle). Publish one of:",
        "",
    ]
    lines.extend(f"- {proof.describe()}" for proof in proofs)
    if not proofs:
        lines.append("- (no Bluesky handle under the organisation's domains)")
    return "\n".join(lines) + "\n"


def proof_files(registry: Registry) -> dict[str, str]:
    """Every file this module adds to the site, by its path in the site."""
    files = {
        WELL_KNOWN_FILE: official_accounts_json(registry),
        PROOFS_FILE: proofs_text(registry),
    }
    for proof in bluesky_proofs(registry):
        if proof.on_this_site and proof.did:
            files[".well-known/atproto-did"] = proof.did + "\n"
    return files
