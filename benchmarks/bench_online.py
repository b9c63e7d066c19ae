"""Time `socialreg audit --online` for 1,000 accounts against the local protocol servers.

Half the accounts are on Bluesky (handle resolution over HTTPS, then the PLC directory: two
requests each) and half on Mastodon (WebFinger, then the actor document: two requests each),
all answered by tests/identity_servers.py on 127.0.0.1, so the figure is the tool's own cost
(threads, HTTP, JSON, loading the records), not the platforms' speed. Best of three runs of the
whole command, start-up included.

    .venv/bin/python benchmarks/bench_online.py [--accounts 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.identity_servers import IdentityServer  # noqa: E402

FIXTURE = PROJECT / "tests" / "rules" / "fixture"
BIN = Path(sys.executable).parent


def _did(number: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digits = ""
    for _ in range(24):
        digits += alphabet[number % 32]
        number //= 32
    return "did:plc:" + digits


def generate(root: Path, count: int, server: IdentityServer) -> None:
    shutil.copytree(FIXTURE / "repo", root)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    template = yaml.safe_load((FIXTURE / "templates" / "account.yaml").read_text("utf-8"))
    folder = root / "accounts" / "library"
    for number in range(count):
        data = dict(template)
        if number % 2 == 0:
            handle = f"unit{number}.norrvik.example"
            data.update(
                platform="bluesky",
                handle="@" + handle,
                url=f"https://bsky.app/profile/{handle}",
                platform_id=_did(number),
            )
            server.world.bluesky(handle, _did(number))
        else:
            acct = f"unit{number}@social.norrvik.example"
            actor = server.world.mastodon(
                acct, [f"https://social.norrvik.example/accounts/account-{number}.html"]
            )
            data.update(
                platform="mastodon",
                handle="@" + acct,
                url=f"https://social.norrvik.example/@unit{number}",
                platform_id=actor,
            )
        text = yaml.safe_dump(data, allow_unicode=True)
        (folder / f"account-{number}.yaml").write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, IdentityServer() as server:
        root = Path(folder) / "registry"
        generate(root, arguments.accounts, server)
        environment = {**os.environ, **server.environment}
        command = [str(BIN / "socialreg"), "--root", str(root), "audit", "--online"]
        command += ["--today", "2026-11-21", "--within", "0"]
        times = []
        for _ in range(arguments.runs):
            before = server.world.requests
            start = time.perf_counter()
            done = subprocess.run(
                command, env=environment, capture_output=True, text=True, timeout=600
            )
            times.append(time.perf_counter() - start)
            summary = [line for line in done.stderr.splitlines() if "Online check" in line]
            print(
                f"  {times[-1]:.2f} s, {server.world.requests - before} requests: "
                f"{summary[0] if summary else done.stderr.strip()[-200:]}"
            )
        best = min(times)
        print(f"audit --online, {arguments.accounts} accounts: best of {len(times)}: {best:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
