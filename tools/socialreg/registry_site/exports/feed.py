"""feed.xml: an Atom feed (RFC 4287) of the most recently registered official accounts.

An entry's date is the account's decision date, so the feed orders accounts by when they
became official. Ids are urn:uuid: ids derived from the registry and the account id, the same
in every build, so feed readers do not show an entry twice.
"""

from __future__ import annotations

import re
import uuid
from xml.sax.saxutils import escape, quoteattr

from socialreg import __version__
from socialreg.registry_site.i18n import Translator
from socialreg.registry_site.model import Account, Registry

FEED_SIZE = 50


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _id(registry: Registry, what: str) -> str:
    """A stable id: the same registry and account give the same id in every build."""
    owner = registry.base_url or registry.organization
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"socialreg:{owner}:{what}"))


def _xml(text: str) -> str:
    """Text escaped for XML, without the control characters XML 1.0 cannot carry."""
    return escape(_NOT_XML.sub("", text))


def newest_accounts(registry: Registry) -> list[Account]:
    dated = [account for account in registry.official_accounts if account.registered_since]
    dated.sort(key=lambda account: (account.registered_since, account.id), reverse=True)
    return dated[:FEED_SIZE]


def render(registry: Registry) -> str:
    t = Translator(registry.language)
    accounts = newest_accounts(registry)
    generated = registry.generated.strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = _timestamp(accounts[0].registered_since) if accounts else generated
    home = registry.absolute("index.html") or "index.html"
    self_link = registry.absolute("feed.xml") or "feed.xml"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(registry.language)}>',
        f"  <title>{_xml(t('feed_title', title=registry.title))}</title>",
        f"  <id>{_xml(_id(registry, 'feed'))}</id>",
        f"  <updated>{updated}</updated>",
        f"  <author><name>{_xml(registry.organization)}</name></author>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(home)}/>',
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_link)}/>',
        f"  <generator version={quoteattr(__version__)}>socialreg</generator>",
    ]
    for account in accounts:
        page = registry.absolute(account.page) or account.page
        summary = t(
            "feed_entry",
            name=account.name,
            platform=account.platform_name,
            organization=registry.organization,
        )
        lines += [
            "  <entry>",
            f"    <title>{_xml(f'{account.name} ({account.platform_name})')}</title>",
            f"    <id>{_xml(_id(registry, 'accounts/' + account.id))}</id>",
            f"    <updated>{_timestamp(account.registered_since)}</updated>",
            f"    <published>{_timestamp(account.registered_since)}</published>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(page)}/>',
            f"    <summary>{_xml(summary)}</summary>",
            f'    <content type="text">{_xml(account.purpose)}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
