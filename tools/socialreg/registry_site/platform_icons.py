"""A small icon for each platform: its initial in a disc of the organisation's accent colour.

Platform logos are their owners' trademarks, with rules for their use, so the site draws a
neutral badge instead. Each is a file in static/platforms/, shown as an <img> whose text
alternative is the platform's name.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

FOLDER = "static/platforms"
# Platform keys are checked by the schema; a broken record built with --force gets no icon.
_SAFE_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")


def icon_path(platform: str) -> str | None:
    """Where the platform's icon is, relative to the site's root; None for an odd key."""
    return f"{FOLDER}/{platform}.svg" if _SAFE_KEY.match(platform) else None


def icon_svg(name: str, accent: str) -> str:
    initial = escape((name.strip() or "?")[0].upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24">'
        f'<circle cx="12" cy="12" r="12" fill="{accent}"/>'
        '<text x="12" y="16.5" text-anchor="middle" font-family="sans-serif" font-size="14" '
        f'font-weight="700" fill="#fff">{initial}</text></svg>\n'
    )
