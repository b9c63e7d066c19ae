"""`socialreg serve`: the preview server answers on 127.0.0.1 and says clearly when it cannot."""

from __future__ import annotations

import socket
import threading
import urllib.request
from pathlib import Path

import click
import pytest

from socialreg.commands.serve import HOST, make_server


def test_preview_server_serves_the_built_site(built_site: Path) -> None:
    server = make_server(built_site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.server_address[0] == HOST == "127.0.0.1"
        address = f"http://{HOST}:{server.server_address[1]}"
        with urllib.request.urlopen(f"{address}/index.html", timeout=10) as response:
            assert response.status == 200
            assert "Official accounts" in response.read().decode("utf-8")
        with urllib.request.urlopen(f"{address}/registry.json", timeout=10) as response:
            assert response.headers["Content-Type"] == "application/json"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_busy_port_gets_a_plain_message(built_site: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(click.ClickException, match=r"try --port 8001"):
            make_server(built_site, port)
