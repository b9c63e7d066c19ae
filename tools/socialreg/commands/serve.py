"""`socialreg serve`: build the registry site and preview it on this computer only.

The server listens on 127.0.0.1, so nobody else on the network can reach the preview. Ctrl-C
stops it.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from socialreg.commands.build import (
    BuildOptions,
    checked_build,
    describe,
    generated_time,
    out_option,
)
from socialreg.commands.dates import with_today
from socialreg.errors import InternalError

HOST = "127.0.0.1"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder; logs one short line per request to standard error."""

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


class _SilentHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make_server(out: Path, port: int, log: bool = True) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler if log else _SilentHandler, directory=str(out))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise InternalError(
            f"cannot listen on {HOST}:{port} ({error.strerror or error}). "
            "Another program may use that port: try --port 8001."
        ) from error


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free port of 127.0.0.1 in a thread, silently; yields the address.

    For the browser tests and the benchmark, which open the site as it will be published.
    """
    server = make_server(folder, 0, log=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@click.command("serve")
@out_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on (0: any free port).",
)
@with_today("Build as on this date")
@click.option("--force", is_flag=True, help="Build even when the records have errors (a preview).")
@click.pass_context
def command(
    ctx: click.Context, out: Path | None, port: int, today: datetime.date, force: bool
) -> None:
    """Build the registry site and preview it at http://127.0.0.1:8000/ until Ctrl-C."""
    root: Path = ctx.obj
    given = ctx.get_parameter_source("today") == click.core.ParameterSource.COMMANDLINE
    options = BuildOptions(
        root, (out or root / "site").resolve(), today, force, generated_time(given, today)
    )
    code, result = checked_build(options)
    if result is None:
        sys.exit(code)
    server = make_server(result.out, port)
    address = f"http://{HOST}:{server.server_address[1]}/"
    sys.stderr.write(describe(result) + "\n")
    sys.stdout.write(f"Serving the registry at {address} (press Ctrl-C to stop)\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("\nStopped.\n")
    finally:
        server.server_close()
    sys.exit(0)
