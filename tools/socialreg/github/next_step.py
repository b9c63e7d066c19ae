"""After a request is merged, tell the requester on the merged pull request what to do next.

Merging a record with `status: requested` approves a new account, but the account does not
exist yet, so the public registry does not list it (its check page says "approved, not yet
opened"). Nothing happens until someone opens it; this comment says who does what: create the
account on the platform, then a small pull request that sets `status: active` (or `pilot`) and
the real address, which needs only the communications office's approval (see go_live.py).

Runs after every push to the default branch (`.github/workflows/next-step.yml`): it finds the
pull request that the pushed commit merged, reads its account files at that commit, and comments
once per pull request (a hidden marker keeps it from commenting twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import click

from socialreg.github.api import GitHub, GitHubError, Repository
from socialreg.load.documents import load_text
from socialreg.reporters.markdown import code_span, escape

MARKER = "<!-- socialreg-next-step -->"
_GITHUB_USER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\Z")


@dataclass(frozen=True, slots=True)
class Request:
    """An approved request for an account, as the merged commit has it."""

    path: str
    name: str
    platform: str
    handle: str


def requests_in(texts: dict[str, str | None]) -> list[Request]:
    """The account files among `texts` (path -> text at the merge) that are still requested."""
    found = []
    for path, text in sorted(texts.items()):
        if text is None or not path.startswith("accounts/") or not path.endswith(".yaml"):
            continue
        loaded = load_text(text, path)
        data = loaded.document.data if loaded.document is not None else None
        if not isinstance(data, dict) or data.get("status") != "requested":
            continue
        found.append(
            Request(
                path,
                _text(data.get("name")) or path.rsplit("/", 1)[-1].removesuffix(".yaml"),
                _text(data.get("platform")),
                _text(data.get("handle")),
            )
        )
    return found


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def comment(requests: list[Request], author: str) -> str:
    """The comment: what the merge did, and the steps that make the account live."""
    who = f"@{author}" if _GITHUB_USER.match(author) else "The requester"
    lines = [
        MARKER,
        "### ✅ Approved. Next: open the account",
        "",
        "Merging this pull request approved "
        + ("this request:" if len(requests) == 1 else "these requests:"),
        "",
    ]
    for request in requests:
        platform = escape(request.platform or "the platform")
        handle = f", handle {code_span(request.handle)}" if request.handle.strip() else ""
        lines.append(
            f"- **{escape(request.name)}** on {platform}{handle} ({code_span(request.path)})"
        )
    lines += [
        "",
        "The account does not exist yet, so the public registry does not list it as official; "
        "its check page tells anyone who looks up the handle that it is approved but not yet "
        "opened.",
        "",
        f"{who}, the next steps are yours:",
        "",
        "1. Create the account on the platform, with the handle above if it is still free.",
        "2. Open a pull request that changes only `status: requested` to `status: active` (or "
        "`pilot`), and the `url` and `handle` to the account's real ones. The communications "
        "office's approval is enough for that pull request; the supervisor already approved "
        "this one.",
        "3. Once it is merged, the account is listed on the public registry as official.",
        "",
        "If the account will not be opened after all, set `status: archived` with the date and "
        "the reason instead. The scheduled audit reminds the owner when a request is not opened "
        "within the time the policy allows (30 days, unless `org/policy.yaml` sets SR116's "
        "`open_within_days`).",
    ]
    return "\n".join(lines) + "\n"


def post_next_steps(repo: Repository, commit: str, dry_run: bool = False) -> list[str]:
    """Comment on each pull request that `commit` merged and that approved requests.

    Returns one line per pull request about what was done. Raises github_api.GitHubError.
    """
    done = []
    for pull in repo.pull_requests_for_commit(commit):
        files = repo.pull_request_files(pull.number)
        paths = [entry.filename for entry in files if entry.status != "removed"]
        texts = {
            path: repo.file_text(path, commit) for path in paths if path.startswith("accounts/")
        }
        requests = requests_in(texts)
        if not requests:
            done.append(f"#{pull.number}: no approved requests, nothing to say.")
            continue
        if any(MARKER in existing.body for existing in repo.comments(pull.number)):
            done.append(f"#{pull.number}: the next step was already posted.")
            continue
        body = comment(requests, pull.author)
        if dry_run:
            done.append(f"#{pull.number} (dry run):\n{body}")
            continue
        repo.create_comment(pull.number, body)
        done.append(f"#{pull.number}: posted the next step for {len(requests)} request(s).")
    return done


def run_next_step(
    repository: str, commit: str, dry_run: bool = False, github: GitHub | None = None
) -> int:
    """`socialreg github next-step`: the exit code (0 done, 2 GitHub or usage error)."""
    try:
        client = github or GitHub.from_environment(repository=repository)
        for line in post_next_steps(client.repository(repository), commit, dry_run):
            click.echo(line, err=not dry_run)
        return 0
    except GitHubError as error:
        click.echo(f"error: {error}", err=True)
        return 2
