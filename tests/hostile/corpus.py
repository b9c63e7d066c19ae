"""Run the hostile corpus: case folders under tests/hostile/cases/<class>/<case>/.

A case is a folder with `case.yaml` and, optionally, `files/`: the files are laid over a copy of
the rule tests' fixture repository (tests/rules/fixture/repo, with the project's schemas), then
a `socialreg` command runs on it. `case.yaml` says what must happen:

    about: what the case tries, in one line
    args: [validate, --format, sarif]   # the command after `socialreg` (default: [validate])
    exit: 1                            # the exit code
    findings:                          # what `validate --format json` (with the case's paths)
      - accounts/library/x.yaml SR012 4  #   reports: exactly these `path rule line` (default: [];
                                       #   not checked when the exit code is 2)
    remove: [org/policy.yaml]          # fixture files to delete first
    make:                              # what git cannot hold, made when the case runs
      - fifo: accounts/library/pipe.yaml
      - symlink: accounts/library/link.yaml
        to: /etc/hostname              # absolute, or relative to the link's folder
      - socket: accounts/library/sock.yaml
      - device: accounts/library/null.yaml   # a character device (1, 3), as /dev/null
      - grow: accounts/library/x.yaml  # a comment of this many bytes appended
        bytes: 1100000
      - raw_name: "accounts/library/caf\\xe9.yaml"   # a name that is not UTF-8 (\\xNN bytes)
        from: accounts/library/cafe.yaml            # the file of files/ to move there
    output_has: ["text the output must contain"]
    output_lacks: ["text it must not contain"]
    stderr_lines: 1                    # usage errors: exactly this many lines on stderr
    clean_folder: site                 # every file written there is free of control characters
    rendered_lacks: ["<img"]           # the output, rendered as GitHub renders Markdown, lacks it
    today: 2026-11-21                  # SOCIALREG_TODAY for the run (this is the default)
    fixed_by: "#16"                    # known to fail until that issue lands (reported, not run)

Besides what the case states, every run must end in time, print no traceback and no
"internal error", and write well-formed JSON and SARIF when asked for them.

`python -m tests.hostile.corpus` runs every case and prints the counts the issue asks for.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
PROJECT = HERE.parent.parent
FIXTURE = PROJECT / "tests" / "rules" / "fixture" / "repo"
DEFAULT_TODAY = "2026-11-21"
TIME_LIMIT_SECONDS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Case:
    folder: Path
    about: str
    args: list[str]
    exit: int
    findings: list[tuple[str, str, int]]
    remove: list[str] = field(default_factory=list)
    make: list[dict[str, str]] = field(default_factory=list)
    output_has: list[str] = field(default_factory=list)
    output_lacks: list[str] = field(default_factory=list)
    stderr_lines: int | None = None
    clean_folder: str | None = None
    rendered_lacks: list[str] = field(default_factory=list)
    today: str = DEFAULT_TODAY
    fixed_by: str | None = None

    @property
    def id(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}"


@dataclass
class Outcome:
    """What went wrong in one run; an empty `problems` list is a pass."""

    case: Case
    problems: list[str] = field(default_factory=list)
    traceback: bool = False
    internal_error: bool = False
    hang: bool = False
    wrong_line: bool = False


def collect() -> list[Case]:
    return [read_case(path.parent) for path in sorted(CASES.glob("*/*/case.yaml"))]


def read_case(folder: Path) -> Case:
    spec: dict[str, Any] = yaml.safe_load((folder / "case.yaml").read_text("utf-8")) or {}
    findings = []
    for line in spec.get("findings") or []:
        path, rule, number = str(line).rsplit(" ", 2)
        findings.append((path, rule, int(number)))
    return Case(
        folder=folder,
        about=str(spec.get("about", "")),
        args=[str(arg) for arg in spec.get("args", ["validate"])],
        exit=int(spec.get("exit", 0)),
        findings=findings,
        remove=list(spec.get("remove") or []),
        make=list(spec.get("make") or []),
        output_has=list(spec.get("output_has") or []),
        output_lacks=list(spec.get("output_lacks") or []),
        stderr_lines=spec.get("stderr_lines"),
        clean_folder=spec.get("clean_folder"),
        rendered_lacks=list(spec.get("rendered_lacks") or []),
        today=str(spec.get("today", DEFAULT_TODAY)),
        fixed_by=spec.get("fixed_by"),
    )


def _escape_to_bytes(text: str) -> bytes:
    out = bytearray()
    position = 0
    for match in re.finditer(r"\\x([0-9a-fA-F]{2})", text):
        out += text[position : match.start()].encode("utf-8")
        out.append(int(match.group(1), 16))
        position = match.end()
    out += text[position:].encode("utf-8")
    return bytes(out)


def build_repository(case: Case, destination: Path) -> Path:
    shutil.copytree(FIXTURE, destination, symlinks=True)
    shutil.copytree(PROJECT / "schemas", destination / "schemas")
    for relative in case.remove:
        (destination / relative).unlink()
    files = case.folder / "files"
    if files.is_dir():
        shutil.copytree(files, destination, dirs_exist_ok=True, symlinks=True)
    for item in case.make:
        _make(destination, item)
    return destination


def _make(root: Path, item: dict[str, str]) -> None:
    if "fifo" in item:
        target = root / item["fifo"]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(target)
    elif "symlink" in item:
        target = root / item["symlink"]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(item["to"], target)
    elif "socket" in item:
        target = root / item["socket"]
        target.parent.mkdir(parents=True, exist_ok=True)
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(target))
    elif "raw_name" in item:
        target_bytes = os.fsencode(root) + b"/" + _escape_to_bytes(item["raw_name"])
        os.rename(root / item["from"], target_bytes)
    elif "device" in item:
        target = root / item["device"]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:  # a character device like /dev/null (1, 3); root may make one
            os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except PermissionError:  # no right to make devices here: a link to one instead
            os.symlink("/dev/null", target)
    elif "grow" in item:
        with open(root / item["grow"], "a", encoding="utf-8") as handle:
            handle.write("# " + "x" * int(item["bytes"]) + "\n")
    elif "directory" in item:
        (root / item["directory"]).mkdir(parents=True)
    else:
        raise ValueError(f"unknown make item {item}")


class _Hang(BaseException):
    """Raised by the timer; a BaseException, so the command's own handlers cannot catch it."""


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Stop a run that takes too long: SIGALRM interrupts blocking opens and regex matching."""

    def stop(signum: int, frame: Any) -> None:
        raise _Hang

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def invoke(
    root: Path, args: list[str], today: str
) -> tuple[int | None, str, str, BaseException | None]:
    """Run `socialreg --root ROOT ARGS` in this process: exit code (None after a hang),
    standard output, standard error, and the exception that escaped, if one did."""
    from socialreg.cli import main

    runner = CliRunner()
    env = {"SOCIALREG_TODAY": today, "GITHUB_REPOSITORY": ""}
    try:
        with _cwd(root), _time_limit(TIME_LIMIT_SECONDS):
            result = runner.invoke(main, ["--root", str(root), *args], env=env)
    except _Hang:
        return None, "", "", None
    escaped = result.exception
    if isinstance(escaped, _Hang):
        return None, result.stdout, result.stderr, None
    if isinstance(escaped, SystemExit):
        escaped = None
    return result.exit_code, result.stdout, result.stderr, escaped


def _findings_of(root: Path, case: Case) -> list[tuple[str, str, int]] | None:
    args = ["validate", "--format", "json"]
    if case.args and case.args[0] == "validate":
        args += [
            arg
            for arg in case.args[1:]
            if not arg.startswith("-") and not _is_option_value(case.args, arg)
        ]
    code, out, _err, escaped = invoke(root, args, case.today)
    if code is None or escaped is not None or code not in (0, 1):
        return None
    try:
        document = json.loads(out)
    except ValueError:
        return None
    return sorted(
        (f["path"], f["rule"], f["line"]) for f in document["findings"] if f["severity"] != "waived"
    )


def _is_option_value(args: list[str], arg: str) -> bool:
    index = args.index(arg)
    return index > 0 and args[index - 1] in (
        "--format",
        "--today",
        "--output",
        "--base",
        "--out",
        "--within",
    )


def run_case(case: Case, workspace: Path) -> Outcome:
    outcome = Outcome(case)
    root = build_repository(case, workspace / "repo")
    code, out, err, escaped = invoke(root, case.args, case.today)
    both = out + err
    if code is None:
        outcome.hang = True
        outcome.problems.append(f"did not finish within {TIME_LIMIT_SECONDS} s")
        return outcome
    if escaped is not None or "Traceback" in both:
        outcome.traceback = True
        outcome.problems.append(f"traceback: {escaped!r}")
    if "internal error" in both:
        outcome.internal_error = True
        outcome.problems.append(f"internal error: {both.strip().splitlines()[-1]}")
    if code != case.exit:
        outcome.problems.append(f"exit code {code}, expected {case.exit}: {both.strip()[-300:]}")
    _check_format(case, out, outcome)
    for text in case.output_has:
        if text not in both:
            outcome.problems.append(f"the output lacks {text!r}")
    for text in case.output_lacks:
        if text in both:
            outcome.problems.append(f"the output contains {text!r}")
    if case.stderr_lines is not None:
        lines = [line for line in err.splitlines() if line.strip()]
        if len(lines) != case.stderr_lines:
            outcome.problems.append(
                f"{len(lines)} lines on stderr, expected {case.stderr_lines}: {err!r}"
            )
    if case.clean_folder:
        _check_clean(root / case.clean_folder, outcome)
    for text in case.rendered_lacks:
        if text in _rendered(out):
            outcome.problems.append(
                f"the output, rendered as GitHub renders Markdown, has {text!r}"
            )
    if outcome.traceback or outcome.internal_error or case.exit == 2:
        return outcome  # a usage error: the same arguments give no report to compare
    found = _findings_of(root, case)
    expected = sorted(case.findings)
    if found is None:
        outcome.problems.append("`validate --format json` did not give a report")
    elif found != expected:
        if sorted((p, r) for p, r, _ in found) == sorted((p, r) for p, r, _ in expected):
            outcome.wrong_line = True
        outcome.problems.append(f"findings {found}, expected {expected}")
    return outcome


def _rendered(markdown: str) -> str:
    import cmarkgfm

    return str(cmarkgfm.github_flavored_markdown_to_html(markdown))


def _check_format(case: Case, out: str, outcome: Outcome) -> None:
    wanted = case.args[case.args.index("--format") + 1] if "--format" in case.args else ""
    if wanted not in ("json", "sarif") or "--output" in case.args:
        return
    try:
        document = json.loads(out)
    except ValueError as error:
        outcome.problems.append(f"the {wanted} output is not JSON: {error}")
        return
    if wanted == "sarif" and not (
        isinstance(document, dict) and document.get("version") == "2.1.0" and document.get("runs")
    ):
        outcome.problems.append("the SARIF output has no runs")


def _check_clean(folder: Path, outcome: Outcome) -> None:
    if not folder.is_dir():
        outcome.problems.append(f"{folder.name}/ was not written")
        return
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".ics", ".xml", ".js"):
            text = path.read_text("utf-8", "replace")
            if _CONTROL.search(text):
                outcome.problems.append(f"{path.relative_to(folder)} holds a control character")


def main() -> int:
    import tempfile

    cases = collect()
    outcomes = []
    for case in cases:
        if case.fixed_by:
            continue
        with tempfile.TemporaryDirectory() as workspace:
            outcomes.append(run_case(case, Path(workspace)))
    failed = [o for o in outcomes if o.problems]
    for outcome in failed:
        kinds = [
            word
            for word, flag in (
                ("traceback", outcome.traceback),
                ("internal error", outcome.internal_error),
                ("hang", outcome.hang),
                ("wrong line", outcome.wrong_line),
            )
            if flag
        ]
        print(f"FAIL {outcome.case.id} [{', '.join(kinds)}]: {'; '.join(outcome.problems)[:400]}")
    classes: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        classes.setdefault(outcome.case.folder.parent.name, []).append(outcome)
    print()
    print("class        cases  failing")
    for name, members in sorted(classes.items()):
        print(f"{name:12} {len(members):5}  {sum(1 for o in members if o.problems):7}")
    print(
        f"cases {len(outcomes)} (and {len(cases) - len(outcomes)} left to another issue), "
        f"failing {len(failed)}, tracebacks {sum(o.traceback for o in outcomes)}, "
        f"internal errors {sum(o.internal_error for o in outcomes)}, "
        f"hangs {sum(o.hang for o in outcomes)}, wrong lines {sum(o.wrong_line for o in outcomes)}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT / "tools"))
    sys.exit(main())
