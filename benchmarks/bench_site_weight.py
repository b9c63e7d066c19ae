"""Benchmark how light the registry site is: page weight in Chromium, and Lighthouse scores.

    python benchmarks/bench.py --only site-weight --only site-lighthouse [--accounts 50000]
    python benchmarks/bench_site_weight.py [--accounts 10000]     (both, on a generated site)

Targets (issue 17), on the 10,000- and 50,000-account repositories:

- the front page transfers under 200 KB before the visitor interacts (every request Chromium
  makes until the network is idle, counted as a web server sends it, gzip-compressed, and
  also uncompressed);
- the search index loads only when the visitor starts to filter, and the verify page loads
  only the shards of what is checked;
- Lighthouse 12.2.3 (npm, run with Debian's chromium, its default mobile profile) scores 100
  for accessibility, best practices and SEO, and at least 95 for performance.

The filter answer time (under 100 ms) is measured by `site-filters` in bench_site.py. Figures
are printed with a verdict; the script exits 0 either way, because speed is reported, not
tested. Lighthouse is installed into benchmarks/out/npm/ (ignored by Git) on first use.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from bench_site import CHROMIUM, FLAGS, HERE, OUT, TODAY, _checked, _generator
from socialreg.commands.serve import served
from socialreg.registry_site.build import build_site

FRONT_PAGE_TARGET_KB = 200.0
LIGHTHOUSE = "lighthouse@12.2.3"
LIGHTHOUSE_FOLDER = OUT / "npm"
LIGHTHOUSE_TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def _site(root: Path) -> Path:
    """The built site beside `root`: site/ for bench.py's registry/, site-N for registry-N."""
    site = root.parent / root.name.replace("registry", "site")
    if not (site / "index.html").is_file():
        build_site(_checked(root), site, TODAY)
    return site


def _first_account_page(site: Path) -> str:
    return "accounts/" + min(path.name for path in (site / "accounts").glob("*.html"))


def _transfer(page: Any, url: str, action: str = "") -> tuple[int, int, list[str]]:
    """Bytes of every response while loading `url` (and doing `action`): raw and gzipped."""
    bodies: list[tuple[str, bytes]] = []

    def keep(response: Any) -> None:
        with contextlib.suppress(Exception):  # a redirect or an aborted request has no body
            bodies.append((response.url, response.body()))

    page.on("response", keep)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if action:
        page.fill("#verify-input", action)
        page.keyboard.press("Enter")
        page.wait_for_selector("#verify-form[data-verdict]")
        page.wait_for_load_state("networkidle")
    page.remove_listener("response", keep)
    raw = sum(len(body) for _, body in bodies)
    compressed = sum(len(gzip.compress(body, 6)) for _, body in bodies)
    names = [urllib.parse.urlsplit(address).path.rsplit("/", 2)[-1] for address, _ in bodies]
    return raw, compressed, names


def measure_site_weight(root: Path, arguments: argparse.Namespace) -> None:
    """`bench.py --only site-weight`: what each page transfers before the visitor acts."""
    from playwright.sync_api import sync_playwright

    site = _site(root)
    account = _first_account_page(site)
    index = site / "search-index.js"
    print(f"Page weight in Chromium at 390 px ({site})")
    with served(site) as address, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        cases = [
            ("front page, before interaction", "index.html", ""),
            ("an account page", account, ""),
            ("verify page, before a check", "verify.html", ""),
            ("verify page, after checking a handle", "verify.html", "@norrvikuni"),
        ]
        for label, path, action in cases:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            raw, compressed, names = _transfer(page, f"{address}/{path}", action)
            page.close()
            verdict = ""
            if path == "index.html":
                ok = compressed / 1000 < FRONT_PAGE_TARGET_KB and raw / 1000 < FRONT_PAGE_TARGET_KB
                verdict = "  meets" if ok else "  is OVER"
                verdict += f" the {FRONT_PAGE_TARGET_KB:g} KB target"
                if any("search-index" in name for name in names):
                    verdict += "; the search index was loaded BEFORE interaction"
            print(
                f"  {label:<40} {compressed / 1000:8.1f} KB gzip  {raw / 1000:8.1f} KB raw  "
                f"{len(names)} files{verdict}"
            )
        browser.close()
    print(
        f"  search index, loaded on the first touch of the filters: "
        f"{len(gzip.compress(index.read_bytes(), 6)) / 1000:.1f} KB gzip, "
        f"{index.stat().st_size / 1000:.1f} KB raw"
    )


def _lighthouse_command() -> list[str] | None:
    binary = LIGHTHOUSE_FOLDER / "node_modules" / ".bin" / "lighthouse"
    if not binary.is_file():
        LIGHTHOUSE_FOLDER.mkdir(parents=True, exist_ok=True)
        print(f"  installing {LIGHTHOUSE} into {LIGHTHOUSE_FOLDER} (once)")
        installed = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_FOLDER),
             LIGHTHOUSE],
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if installed.returncode != 0 or not binary.is_file():
            print(f"  could not install {LIGHTHOUSE}: {installed.stderr.strip()[-300:]}")
            return None
    return [str(binary)]


def _lighthouse_run(command: list[str], url: str) -> dict[str, Any] | None:
    report = OUT / "lighthouse.json"
    report.unlink(missing_ok=True)
    run = subprocess.run(
        [*command, url, "--quiet", "--output=json", f"--output-path={report}",
         "--chrome-flags=" + " ".join(FLAGS)],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
        timeout=300,
    )  # fmt: skip
    if run.returncode != 0 or not report.is_file():
        print(f"  {url}: Lighthouse failed: {run.stderr.strip()[-300:]}")
        return None
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def measure_site_lighthouse(root: Path, arguments: argparse.Namespace) -> None:
    """`bench.py --only site-lighthouse`: Lighthouse's mobile scores for three page types.

    Each page is measured `--repeat` times and the median score is reported, because
    Lighthouse's performance score moves with the machine's load from run to run.
    """
    command = _lighthouse_command()
    if command is None:
        return
    repeat = max(1, getattr(arguments, "repeat", 3))
    site = _site(root)
    pages = ["index.html", _first_account_page(site), "verify.html"]
    print(
        "Lighthouse 12.2.3, mobile profile (simulated slow 4G, mid-range phone), Debian "
        f"chromium, median of {repeat} runs"
    )
    worst: dict[str, int] = {}
    with served(site) as address:
        for path in pages:
            runs = [_lighthouse_run(command, f"{address}/{path}") for _ in range(repeat)]
            results = [result for result in runs if result is not None]
            if not results:
                continue
            scores = {
                key: round(
                    statistics.median(100 * (r["categories"][key]["score"] or 0) for r in results)
                )
                for key in results[0]["categories"]
            }
            for key, score in scores.items():
                worst[key] = min(worst.get(key, 100), score)
            every = " ".join(
                str(round(100 * (r["categories"]["performance"]["score"] or 0))) for r in results
            )
            weight = results[0]["audits"]["total-byte-weight"]["numericValue"] / 1000
            blocking = results[0]["audits"]["total-blocking-time"]["displayValue"]
            print(
                f"  {path:<36} "
                + "  ".join(f"{key} {score}" for key, score in scores.items())
                + f"  (performance runs: {every}; {weight:.1f} KB; blocking {blocking})"
            )
            failing = sorted(
                {
                    audit["id"]
                    for r in results
                    for audit in r["audits"].values()
                    if audit.get("score") is not None
                    and audit["score"] < 1
                    and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
                }
            )
            if failing:
                print(f"      audits below 100 in some run: {', '.join(failing)}")
    for key, target in LIGHTHOUSE_TARGETS.items():
        if key in worst:
            verdict = "meets" if worst[key] >= target else "is UNDER"
            print(f"  lowest {key}: {worst[key]}, which {verdict} the target of {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="Lighthouse runs per page.")
    arguments = parser.parse_args()
    root = OUT / f"registry-{arguments.accounts}"
    if not (root / "org").is_dir():
        print(f"Generating {arguments.accounts} accounts in {root}")
        _generator()(root, arguments.accounts, arguments.campaigns)
    measure_site_weight(root, arguments)
    measure_site_lighthouse(root, arguments)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
