"""`socialreg serve`: the preview server answers on 127.0.0.1 and says clearly when it cannot."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
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


def test_serve_command_builds_serves_and_stops_cleanly_on_ctrl_c(
    example_root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "preview"
    command = [
        sys.executable, "-m", "socialreg", "--root", str(example_root), "serve",
        "--port", "0", "--out", str(out), "--today", "2026-11-21",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        with urllib.request.urlopen(found.group(0) + "verify.html", timeout=10) as response:
            assert "Check an account" in response.read().decode("utf-8")
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "Stopped." in stdout
    assert "Traceback" not in stderr
    assert (out / "index.html").is_file()
