"""Measure socialreg's speed and memory: one table of every scenario, side by side with the floor.

    python benchmarks/bench.py [--accounts 10000] [--campaigns 2000] [--large 50000]
                               [--largest 100000] [--repeat 3] [--turns 5] [--scenario NAME ...]
                               [--before DIR] [--timeout S] [--skip-check-jsonschema]
    python benchmarks/bench.py --only NAME     (one of the older site measurements)

Each scenario (see SCENARIOS) makes its repository (`scenarios.py`), runs one socialreg command
on it `--repeat` times (once for the large repositories) and keeps the fastest run. In the same
run, on the same files, it measures:

- the **floor**: PyYAML's C loader parsing the same files in as many processes as socialreg
  uses (`floor.py`), which is what a check costs before it checks anything;
- **check-jsonschema** (schema only, no rule, no cross-file check) on up to 1,000 of the same
  record files, scaled to all of them per file (on the one file itself, for one-file checks).
- for the scenarios where every record has a finding, the ratio to the **clean** scenario
  (the goal: at most 1.2), from `--turns` runs of each taken in turns: the same command run
  minutes apart varies by a third on a shared machine, more than the difference sought.

Times are wall-clock seconds of whole commands, start-up included. Memory is the peak of the
proportional set size summed over the command's process tree (`process_tree.py`). `--before DIR`
also runs another checkout's `tools/` on the same repositories, right before this checkout's
run of each scenario, so that both meet the same machine (the "before" figures of a change).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scenarios
from bench_site import measure_site, measure_site_filters
from bench_site_weight import measure_site_lighthouse, measure_site_weight
from process_tree import Measured, run_measured
from socialreg.parallel import worker_count

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CHECK_JSONSCHEMA_SAMPLE = 1_000
MB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Sizes:
    accounts: int
    campaigns: int
    large: int  # accounts of the large repository (campaigns: a fifth of that)
    largest: int  # accounts of the largest (no campaigns)


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    # the repository: a function of scenarios.py and its sizes; equal keys share one copy
    repository: Callable[[Sizes], tuple[str, Callable[[Path, int, int], object], int, int]]
    command: Callable[[Path], list[str]]  # socialreg's arguments, given the repository
    floor_files: Callable[[Path], list[Path]] = scenarios.record_files
    before_each: Callable[[Path, int], None] | None = None  # before each timed run
    repeat: bool = True  # False for the large repositories: one run
    compare: bool = True  # False where check-jsonschema does nothing alike (building the site)
    warm_up: bool = False  # one untimed run first, by the same code (fills caches, builds)
    goal: str = ""
    # Measured also in turns with the clean scenario, for the ratio of the two (in_turns).
    versus_clean: bool = False
    exit_codes: tuple[int, ...] = (0,)
    # what the --before checkout runs instead (a command it may not know yet), when not the same
    before_command: Callable[[Path], list[str]] | None = None


def _clean(sizes: Sizes) -> tuple[str, Callable[[Path, int, int], object], int, int]:
    return "clean", scenarios.clean, sizes.accounts, sizes.campaigns


def _large(sizes: Sizes) -> tuple[str, Callable[[Path, int, int], object], int, int]:
    return "large", scenarios.clean, sizes.large, sizes.large // 5


def _large_in_git(sizes: Sizes) -> tuple[str, Callable[[Path, int, int], object], int, int]:
    return "large_in_git", scenarios.in_git, sizes.large, sizes.large // 5


def _repository(
    kind: Callable[..., object], accounts: Callable[[Sizes], int], campaigns: Callable[[Sizes], int]
) -> Callable[[Sizes], tuple[str, Callable[[Path, int, int], object], int, int]]:
    def make(sizes: Sizes) -> tuple[str, Callable[[Path, int, int], object], int, int]:
        return kind.__name__, kind, accounts(sizes), campaigns(sizes)

    return make


def _validate(root: Path) -> list[str]:
    return ["validate", "--format", "json"]


def _one_file(root: Path) -> list[str]:
    return ["validate", "--format", "json", _relative(root, scenarios.changed_account(root))]


def _one_file_staged(root: Path) -> list[str]:
    """What the pre-commit hook runs (.pre-commit-hooks.yaml)."""
    return ["validate", "--staged", *_one_file(root)[1:]]


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _no_cache(root: Path, run: int) -> None:
    shutil.rmtree(root / ".socialreg-cache", ignore_errors=True)


def _build_new(root: Path) -> list[str]:
    return ["build", "--out", str(root.parent / f"{root.name}-site-new")]


def _remove_new_site(root: Path, run: int) -> None:
    """What CI starts from on every merge: no site and no cache (an incremental build keeps
    the last check in .socialreg-cache/).

    The last run's site is moved aside, and deleted once the table is printed: deleting its
    90,000 files just before a run made that run's own files slow to create (by half the
    build's time, on a file system mounted with `discard`), which CI, building into a new
    folder on a new machine, never meets."""
    site = root.parent / f"{root.name}-site-new"
    if site.exists():
        aside = root.parent / OLD_SITES
        aside.mkdir(exist_ok=True)
        site.rename(aside / f"{root.name}-{run}-{time.time_ns()}")
    shutil.rmtree(root / ".socialreg-cache", ignore_errors=True)


OLD_SITES = "old-sites"  # in the work folder: sites moved aside, deleted after the table


def _build_over(root: Path) -> list[str]:
    return ["build", "--out", str(root.parent / f"{root.name}-site")]


def _change_one_record(root: Path, run: int) -> None:
    """Change one account's purpose before each run (after the untimed first build)."""
    account = scenarios.changed_account(root)
    text = account.read_text(encoding="utf-8")
    account.write_text(
        text.replace("purpose: >-\n", f"purpose: >-\n  Changed {run + 1} times.\n", 1)
        if "Changed " not in text
        else text.replace(f"Changed {run} times.", f"Changed {run + 1} times.", 1),
        encoding="utf-8",
    )


def _one_file_only(root: Path) -> list[Path]:
    return [scenarios.changed_account(root)]


SCENARIOS: list[Scenario] = [
    Scenario("clean", _clean, _validate, goal="the reference"),
    Scenario(
        "every account in one unit folder (SR108 warning on each)",
        _repository(scenarios.one_unit_folder, lambda s: s.accounts, lambda s: s.campaigns),
        _validate,
        goal="≤ 1.2 × clean",
        versus_clean=True,
    ),
    Scenario(
        "policy gives every record a warning",
        _repository(
            scenarios.policy_warning_everywhere, lambda s: s.accounts, lambda s: s.campaigns
        ),
        _validate,
        goal="≤ 1.2 × clean",
        versus_clean=True,
        exit_codes=(0,),
    ),
    Scenario(
        "1,000 accounts share one URL",
        _repository(scenarios.shared_url, lambda s: 1_000, lambda s: 0),
        _validate,
        goal="findings linear in files",
        exit_codes=(1,),
    ),
    Scenario(
        "a tenth of the accounts name a unit that does not exist",
        _repository(scenarios.unknown_unit, lambda s: s.accounts, lambda s: s.campaigns),
        _validate,
        goal="messages do not grow with the units",
        exit_codes=(1,),
    ),
    Scenario(
        "validate --base (one account changed)",
        _repository(scenarios.with_git_base, lambda s: s.accounts, lambda s: s.campaigns),
        lambda root: ["validate", "--format", "json", "--base", "main"],
        goal="",
    ),
    Scenario(
        "incremental build (one account changed)",
        _clean,
        _build_over,
        before_each=_change_one_record,
        warm_up=True,
        compare=False,
        goal="< 3 s",
    ),
    Scenario(
        "one file, index store warm, by hand in Git (validate FILE; the file changed and staged)",
        _large_in_git,
        _one_file,
        floor_files=_one_file_only,
        before_each=scenarios.stage_a_change,
        warm_up=True,
        goal="< 0.5 s",
    ),
    Scenario(
        "one file, index store warm, the pre-commit hook (validate --staged; before: validate)",
        _large_in_git,
        _one_file_staged,
        floor_files=_one_file_only,
        before_each=scenarios.stage_a_change,
        warm_up=True,
        goal="< 0.5 s",
        before_command=_one_file,
    ),
    Scenario(
        "one file, index store warm, not in Git",
        _large,
        _one_file,
        floor_files=_one_file_only,
        warm_up=True,
        goal="< 0.5 s",
    ),
    Scenario(
        "one file, no index store (pre-commit, Git)",
        _large_in_git,
        _one_file,
        before_each=_no_cache,
        repeat=False,
        goal="< 8 s",
    ),
    Scenario(
        "build into a new folder",
        _large,
        _build_new,
        before_each=_remove_new_site,
        repeat=False,
        compare=False,
        goal="< 20 s, < 600 MB",
    ),
    Scenario(
        "validate, largest",
        _repository(scenarios.clean, lambda s: s.largest, lambda s: 0),
        _validate,
        before_each=_no_cache,  # as in CI: a 12 MB units.yaml is parsed, not read from cache
        repeat=False,
        goal="< 25 s, < 600 MB",
    ),
]


def _socialreg(arguments: list[str]) -> list[str]:
    return [sys.executable, "-m", "socialreg", *arguments]


def _environment(code: Path) -> dict[str, str]:
    environment = {**os.environ, "SOCIALREG_TODAY": scenarios.TODAY}
    # As installed: with the bytecode Python writes on first import (a shell that forbids it
    # would make every run compile the modules changed since, 0.06 s of a one-file check).
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPATH"] = str(code)  # the measured checkout's tools/ first on the path
    return environment


def _compile(tools: Path) -> None:
    """Write the bytecode of a checkout's `tools` before it is measured."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tools)], check=True)


@dataclasses.dataclass
class Row:
    name: str
    code: str  # "now", or "before" for the checkout given with --before
    files: int
    seconds: float
    timed_out: bool
    peak_mb: float
    findings: str
    floor_seconds: float
    theirs_seconds: float | None
    theirs_scaled: bool
    goal: str
    versus_clean: float | None = None  # this scenario's time over the clean one's, in turns


@dataclasses.dataclass(frozen=True)
class Reference:
    """What a scenario is compared with, measured once for all the code measured."""

    files: int
    floor_seconds: float
    theirs_seconds: float | None
    theirs_scaled: bool


def reference(scenario: Scenario, root: Path, repeat: int, skip_theirs: bool) -> Reference:
    files = scenario.floor_files(root)
    floor = _floor(files, root, repeat if scenario.repeat else 1)
    skip = skip_theirs or not scenario.compare
    theirs, scaled = (None, False) if skip else _check_jsonschema(files, root)
    return Reference(len(files), floor, theirs, scaled)


def measure(
    scenario: Scenario,
    root: Path,
    repeat: int,
    compared: Reference,
    code: tuple[str, Path],
    timeout: float,
) -> Row:
    """The fastest of `repeat` runs of the scenario's command by `code` (label, tools/)."""
    label, tools = code
    runs = repeat if scenario.repeat else 1
    best: Measured | None = None
    peak = 0
    arguments = scenario.command
    if label == "before" and scenario.before_command is not None:
        arguments = scenario.before_command
    if scenario.warm_up:
        run_measured(_socialreg(arguments(root)), root, _environment(tools), timeout)
    for run in range(runs):
        if scenario.before_each is not None:
            scenario.before_each(root, run)
        command = _socialreg(arguments(root))
        measured = run_measured(command, root, _environment(tools), timeout)
        peak = max(peak, measured.peak_pss_bytes)
        if measured.returncode is None:
            best = measured
            break  # stopped at the timeout: once is enough
        if measured.returncode not in scenario.exit_codes:
            raise SystemExit(
                f"{scenario.name} ({label}): exited {measured.returncode}:\n"
                f"{measured.stdout[-1500:]}{measured.stderr[-1500:]}"
            )
        if best is None or measured.seconds < best.seconds:
            best = measured
    assert best is not None
    return Row(
        scenario.name,
        label,
        compared.files,
        best.seconds,
        best.returncode is None,
        peak / MB,
        "" if best.returncode is None else _findings(best.stdout),
        compared.floor_seconds,
        compared.theirs_seconds,
        compared.theirs_scaled,
        scenario.goal,
    )


def in_turns(
    scenario: Scenario,
    root: Path,
    clean_root: Path,
    code: tuple[str, Path],
    turns: int,
    timeout: float,
) -> float:
    """The scenario's time over the clean scenario's: the fastest of `turns` runs of each,
    the two run one after the other. Run minutes apart, as the table's rows are, the same
    command on this machine varied by a third, more than the difference measured."""
    environment = _environment(code[1])
    fastest = {clean_root: math.inf, root: math.inf}
    for _ in range(turns):
        for where in fastest:
            measured = run_measured(
                _socialreg(scenario.command(where)), where, environment, timeout
            )
            if measured.returncode not in scenario.exit_codes:
                raise SystemExit(f"{scenario.name}: exited {measured.returncode} in turns")
            fastest[where] = min(fastest[where], measured.seconds)
    return fastest[root] / fastest[clean_root]


def _findings(stdout: str) -> str:
    try:
        report = json.loads(stdout)
    except ValueError:
        return ""
    findings = report.get("findings", [])
    longest = max((len(finding["message"]) for finding in findings), default=0)
    size = len(stdout.encode("utf-8"))
    return f"{len(findings):,} ({size / 1024:,.0f} KB, longest {longest:,} chars)"


def _floor(files: list[Path], root: Path, repeat: int) -> float:
    # Read once before the timed runs: some machines page out files nobody read for a minute
    # (a kernel's proactive reclaim), and a floor read from the disk measures the disk. Every
    # socialreg run that follows finds them read.
    for path in files:
        path.read_bytes()
    listing = root.parent / f"{root.name}-floor.txt"
    listing.write_text("\n".join(str(path) for path in files), encoding="utf-8")
    workers = worker_count(len(files))
    command = [sys.executable, str(HERE / "floor.py"), "--workers", str(workers), str(listing)]
    return min(run_measured(command, root).seconds for _ in range(repeat))


def _check_jsonschema(files: list[Path], root: Path) -> tuple[float | None, bool]:
    """check-jsonschema on up to CHECK_JSONSCHEMA_SAMPLE of `files`, scaled to all of them."""
    program = BIN / "check-jsonschema"
    if not program.exists():
        return None, False
    records = [path for path in files if path.parts[-3] in ("accounts", "campaigns")]
    sample = records[:: max(1, len(records) // CHECK_JSONSCHEMA_SAMPLE)][:CHECK_JSONSCHEMA_SAMPLE]
    seconds = 0.0
    for kind, folder in (("account", "accounts"), ("campaign", "campaigns")):
        paths = [str(path) for path in sample if path.parts[-3] == folder]
        if paths:
            schema = root / "schemas" / f"{kind}.schema.json"
            command = [str(program), "--schemafile", str(schema), *paths]
            seconds += run_measured(command, root).seconds
    if not sample:
        return None, False
    return seconds * len(records) / len(sample), len(sample) < len(records)


def print_table(rows: list[Row], title: str) -> None:
    print(f"\n{title}\n")
    print(
        "| Scenario | Code | Files | socialreg | Peak memory (tree PSS) | × floor | "
        "check-jsonschema | socialreg faster | Findings | × clean, in turns | Goal |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for row in rows:
        theirs = "—" if row.theirs_seconds is None else f"{row.theirs_seconds:.2f} s"
        if row.theirs_scaled:
            theirs += "*"
        faster = "—" if row.theirs_seconds is None else f"{row.theirs_seconds / row.seconds:.1f}×"
        seconds = f"> {row.seconds:.0f} s (stopped)" if row.timed_out else f"{row.seconds:.2f} s"
        versus = "—" if row.versus_clean is None else f"{row.versus_clean:.2f}"
        print(
            f"| {row.name} | {row.code} | {row.files:,} | {seconds} | {row.peak_mb:,.0f} MB | "
            f"{row.seconds / row.floor_seconds:.2f} (floor {row.floor_seconds:.2f} s) | "
            f"{theirs} | {faster} | {row.findings} | {versus} | {row.goal} |"
        )
    print(
        "\n* check-jsonschema ran on 1,000 of the files (every n-th) and is scaled to all of "
        "them per file. × clean, in turns: the fastest of --turns runs of the scenario over "
        "the fastest of as many clean runs, the two run one after the other."
    )


MEASUREMENTS = {
    "site": measure_site,
    "site-filters": measure_site_filters,
    "site-weight": measure_site_weight,
    "site-lighthouse": measure_site_lighthouse,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=2_000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--largest", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--turns", type=int, default=5, help="Runs of a scenario with "
                        "findings and of the clean one, in turns (default 5).")  # fmt: skip
    parser.add_argument("--scenario", action="append", help="Run the scenarios whose name "
                        "contains this text (repeatable).")  # fmt: skip
    parser.add_argument("--before", type=Path, help="Also measure the checkout in DIR (its "
                        "tools/), side by side with this one, labelled before.")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="Stop a socialreg run "
                        "after this many seconds (default 900).")  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="Keep the repositories here (reused).")
    parser.add_argument("--only", choices=sorted(MEASUREMENTS), action="append")
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    parser.add_argument("--prepare", action="store_true", help="Only make the repositories.")
    arguments = parser.parse_args()
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="socialreg-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if arguments.only:
            root = workdir / "registry"
            scenarios.generate(root, arguments.accounts, arguments.campaigns)
            for name in arguments.only:
                MEASUREMENTS[name](root, arguments)
            return
        run_table(arguments, workdir)
    finally:
        if arguments.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def run_table(arguments: argparse.Namespace, workdir: Path) -> None:
    sizes = Sizes(arguments.accounts, arguments.campaigns, arguments.large, arguments.largest)
    chosen = [
        scenario
        for scenario in SCENARIOS
        if not arguments.scenario or any(text in scenario.name for text in arguments.scenario)
    ]
    # This checkout's tools/ by path, not whatever copy of socialreg the interpreter has
    # installed (from a worktree, that is another checkout's code).
    codes: list[tuple[str, Path]] = [("now", HERE.parent / "tools")]
    if arguments.before is not None:
        codes.insert(0, ("before", arguments.before.resolve() / "tools"))
    for _, tools in codes:
        _compile(tools)
    rows = []
    for scenario in chosen:
        root, accounts, campaigns = _made(workdir, scenario.repository(sizes))
        clean_root = _made(workdir, _clean(sizes))[0] if scenario.versus_clean else None
        if arguments.prepare:
            continue
        name = f"{scenario.name} ({accounts:,} accounts + {campaigns:,} campaigns)"
        scenario = dataclasses.replace(scenario, name=name)
        compared = reference(scenario, root, arguments.repeat, arguments.skip_check_jsonschema)
        for code in codes:
            row = measure(scenario, root, arguments.repeat, compared, code, arguments.timeout)
            if clean_root is not None:
                row.versus_clean = in_turns(
                    scenario, root, clean_root, code, arguments.turns, arguments.timeout
                )
            print(
                f"{row.name} [{row.code}]: {row.seconds:.2f} s, {row.peak_mb:,.0f} MB, "
                f"floor {row.floor_seconds:.2f} s, {row.findings}",
                flush=True,
            )
            rows.append(row)
    if arguments.prepare:
        return
    print_table(rows, f"socialreg, {os.cpu_count()} cores, best of {arguments.repeat}")
    shutil.rmtree(workdir / OLD_SITES, ignore_errors=True)


def _made(
    workdir: Path, repository: tuple[str, Callable[[Path, int, int], object], int, int]
) -> tuple[Path, int, int]:
    """The folder of a scenario's repository (`Scenario.repository`) in `workdir`, made unless
    an earlier run left it there; with its numbers of accounts and campaigns."""
    key, make, accounts, campaigns = repository
    root = workdir / f"{key}-{accounts}-{campaigns}"
    if not (root / "org").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        make(root, accounts, campaigns)
    return root, accounts, campaigns


if __name__ == "__main__":
    main()
