"""A local server that speaks the identity protocols `audit --online` uses, for the tests.

One threaded HTTP server plays every party, told apart by the path or the Host header (the
audit sends every https://host/... request to it with SOCIALREG_ONLINE_ORIGIN, naming the host
in the Host header, as a real request would):

- `GET /plc/<did>`: the PLC directory (https://atproto.com/specs/did): the DID document with
  `alsoKnownAs`, 404 for an unknown DID, 410 for a tombstoned one; `/plc/_health` answers.
- `GET /appview/xrpc/com.atproto.identity.resolveHandle?handle=`: the Bluesky AppView; 400
  with InvalidRequest for a handle it cannot resolve, as the real one does.
- `GET /.well-known/atproto-did` on Host <handle>: the handle's HTTPS resolution method.
- `GET /.well-known/webfinger?resource=acct:user@server` on Host <server>: WebFinger
  (RFC 7033) as Mastodon answers it, with the actor's "self" link.
- `GET /users/<name>` on Host <server>: the actor document (ActivityStreams JSON) with the
  profile's fields in `attachment`, as Mastodon publishes them.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass
class World:
    """What the platforms know: edit it between audits to simulate drift."""

    well_known: dict[str, str] = field(default_factory=dict)  # handle -> DID (HTTPS method)
    appview: dict[str, str] = field(default_factory=dict)  # handle -> DID (DNS-verified)
    plc: dict[str, list[str]] = field(default_factory=dict)  # DID -> alsoKnownAs
    tombstoned: set[str] = field(default_factory=set)
    webfinger: dict[str, str] = field(default_factory=dict)  # user@server -> actor URI
    actors: dict[str, list[str]] = field(default_factory=dict)  # actor URI -> field links
    requests: int = 0

    def bluesky(self, handle: str, did: str, *, well_known: bool = True) -> None:
        (self.well_known if well_known else self.appview)[handle] = did
        self.plc[did] = [f"at://{handle}"]

    def mastodon(self, acct: str, links: list[str]) -> str:
        user, _, server = acct.partition("@")
        actor = f"https://{server}/users/{user}"
        self.webfinger[acct] = actor
        self.actors[actor] = links
        return actor


class _Handler(BaseHTTPRequestHandler):
    world: World

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass

    def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        world = self.world
        world.requests += 1
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        host = (self.headers.get("Host") or "").lower()
        path = parts.path
        if path == "/plc/_health":
            return self._send(200, {"version": "test"})
        if path.startswith("/plc/"):
            did = path.removeprefix("/plc/")
            if did in world.tombstoned:
                return self._send(410, {"message": "DID not available"})
            if did not in world.plc:
                return self._send(404, {"message": "DID not registered"})
            return self._send(200, {"id": did, "alsoKnownAs": world.plc[did]})
        if path == "/appview/xrpc/com.atproto.identity.resolveHandle":
            resolved = world.appview.get(query.get("handle", "")) or world.well_known.get(
                query.get("handle", "")
            )
            if resolved is None:
                return self._send(
                    400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}
                )
            return self._send(200, {"did": resolved})
        if path == "/.well-known/atproto-did":
            named = world.well_known.get(host)
            if named is None:
                return self._send(404, b"not found", "text/plain")
            return self._send(200, named.encode("utf-8"), "text/plain")
        if path == "/.well-known/webfinger":
            acct = query.get("resource", "").removeprefix("acct:")
            actor = world.webfinger.get(acct)
            if actor is None or not acct.endswith("@" + host):
                return self._send(404, {"error": "not found"})
            links = [
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": f"https://{host}/@{acct.partition('@')[0]}",
                },
                {"rel": "self", "type": "application/activity+json", "href": actor},
            ]
            return self._send(
                200, {"subject": f"acct:{acct}", "links": links}, "application/jrd+json"
            )
        actor = f"https://{host}{path}"
        if actor in world.actors:
            fields = [
                {
                    "type": "PropertyValue",
                    "name": "Registry",
                    "value": f'<a href="{link}" rel="me nofollow noopener noreferrer">{link}</a>',
                }
                for link in world.actors[actor]
            ]
            document = {"id": actor, "type": "Person", "attachment": fields}
            return self._send(200, document, "application/activity+json")
        return self._send(404, {"error": "not found"})


class IdentityServer:
    """`with IdentityServer() as server:` serves `server.world` on 127.0.0.1."""

    def __init__(self) -> None:
        self.world = World()
        handler = type("Handler", (_Handler,), {"world": self.world})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def environment(self) -> dict[str, str]:
        return {
            "SOCIALREG_ONLINE_ORIGIN": self.origin,
            "SOCIALREG_PLC_DIRECTORY": self.origin + "/plc",
            "SOCIALREG_BSKY_APPVIEW": self.origin + "/appview",
        }

    def __enter__(self) -> IdentityServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
