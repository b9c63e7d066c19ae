"""Everything socialreg asks of GitHub's REST API; the only module that imports github3.

Two ways to log in: a token (GITHUB_TOKEN, the workflow's own token) or a GitHub App
installation (SOCIALREG_APP_ID and SOCIALREG_APP_PRIVATE_KEY): socialreg signs a short JSON Web
Token with the App's key, trades it for an installation token, and writes the approval check as
the App, which a ruleset can require by App (see docs/approvals.md).

The rest of the code sees plain, typed values (`PullRequest`, `ChangedFile`, `Review`, ...) and
one exception, `GitHubError`, whose message is a single line meant for the person reading the
workflow log. The token never appears in a message.

The API root comes from GITHUB_API_URL, as GitHub Actions sets it: `https://api.github.com` on
github.com, `https://HOST/api/v3` on GitHub Enterprise Server. github3's `GitHubEnterprise`
appends `/api/v3` to a host address itself; we take the root as given instead and set it as the
session's base address, so the same code serves github.com, Enterprise Server and the local test
server (`http://127.0.0.1:PORT/api/v3`).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import github3
import github3.exceptions
import requests

DEFAULT_API_URL = "https://api.github.com"
# The login GitHub gives the workflow token's comments (GitHub Actions' own App).
ACTIONS_BOT_LOGIN = "github-actions[bot]"
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})
STATUS_DESCRIPTION_LIMIT = 140  # GitHub refuses longer commit status descriptions

T = TypeVar("T")


class GitHubError(Exception):
    """A failed call to GitHub, said in one plain line (never containing the token)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status GitHub answered, when there was one


@dataclass(frozen=True, slots=True)
class PullRequest:
    number: int
    author: str
    title: str
    state: str  # open or closed
    head_sha: str
    head_ref: str
    base_ref: str
    base_sha: str
    html_url: str
    changed_files: int | None = None  # GitHub's own count; None where GitHub leaves it out
    draft: bool = False


@dataclass(frozen=True, slots=True)
class ChangedFile:
    filename: str
    status: str  # added, removed, modified, renamed, copied, changed, unchanged
    previous_filename: str | None = None


@dataclass(frozen=True, slots=True)
class TreeModes:
    """The git mode of every path in a commit (100644 file, 100755, 120000 symlink, ...)."""

    modes: dict[str, str]
    complete: bool  # False when GitHub cut the tree short


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str
    submitted_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    author: str
    body: str


@dataclass(frozen=True, slots=True)
class Issue:
    number: int
    title: str
    body: str
    state: str
    labels: tuple[str, ...]
    is_pull_request: bool
    html_url: str


CHECK_SUMMARY_LIMIT = 65_535  # characters GitHub keeps of a check run's summary


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())


def _safe_url(url: str) -> str:
    """The address without any user name or password written into it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def explain_status(code: int, what: str, detail: str = "") -> str:
    """A one-line message for an HTTP status from GitHub; `what` names the thing asked for."""
    if code == 401:
        return (
            "GitHub refused the token (401): it is invalid or has expired. "
            "Check the GITHUB_TOKEN secret."
        )
    if code == 429 or (code == 403 and "rate limit" in detail.lower()):
        return f"GitHub's rate limit was reached while {what} ({code}). Try again later."
    if code == 403:
        return (
            f"GitHub refused access while {what} (403): the token has no permission for this. "
            "A pull request from a fork only gets a read-only token; "
            "give the workflow the permissions it needs or run it on the base repository."
        )
    if code == 404:
        return (
            f"GitHub found nothing while {what} (404): the repository, pull request or issue "
            "does not exist, or the token has no access to it. Check the name and the number."
        )
    if code == 422:
        reason = f": {detail}" if detail else ""
        return f"GitHub did not accept the request while {what} (422){reason}."
    if code >= 500:
        return f"GitHub is having trouble ({code}) while {what}. Try again in a few minutes."
    reason = f": {detail}" if detail else ""
    return f"GitHub answered {code} while {what}{reason}."


@dataclass(frozen=True, slots=True)
class AppCredentials:
    """A GitHub App's id and private key (PEM), and optionally its installation's id."""

    app_id: int
    private_key: bytes
    installation_id: int | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> AppCredentials | None:
        """SOCIALREG_APP_ID, SOCIALREG_APP_PRIVATE_KEY and SOCIALREG_APP_INSTALLATION_ID."""
        app_id = env.get("SOCIALREG_APP_ID", "").strip()
        key = env.get("SOCIALREG_APP_PRIVATE_KEY", "")
        if not app_id and not key:
            return None
        if not app_id.isdigit() or "PRIVATE KEY" not in key:
            raise GitHubError(
                "For the GitHub App mode set both SOCIALREG_APP_ID (the App's number) and "
                "SOCIALREG_APP_PRIVATE_KEY (its private key, the whole .pem file)."
            )
        installation = env.get("SOCIALREG_APP_INSTALLATION_ID", "").strip()
        if installation and not installation.isdigit():
            raise GitHubError("SOCIALREG_APP_INSTALLATION_ID must be a number.")
        return cls(int(app_id), key.encode("ascii"), int(installation) if installation else None)


class GitHub:
    """A logged-in connection to one GitHub (github.com or an Enterprise Server)."""

    def __init__(
        self, token: str, api_url: str = DEFAULT_API_URL, app: AppCredentials | None = None
    ) -> None:
        if not token and app is None:
            raise GitHubError(
                "GITHUB_TOKEN is not set. In a workflow, pass `GITHUB_TOKEN: "
                "${{ secrets.GITHUB_TOKEN }}` in `env:`; on your computer, export a token first."
            )
        self.api_url = api_url.rstrip("/") or DEFAULT_API_URL
        if not re.match(r"^https?://", self.api_url):
            raise GitHubError(
                f"GITHUB_API_URL must start with https:// (it is {_safe_url(self.api_url)!r})."
            )
        self._secrets: tuple[str, ...] = (token,)
        self._client = github3.GitHub(token=token) if token else github3.GitHub()
        # Not GitHubEnterprise: it would append /api/v3 to a root that already ends with it.
        self._client.session.base_url = self.api_url
        # Fail fast instead of hanging a workflow for minutes when the host is unreachable.
        self._client.session.default_connect_timeout = 10
        self._client.session.default_read_timeout = 30
        self._app = app
        # Whose comments are the bot's own: GitHub Actions' bot with a workflow token.
        self.bot_login = ACTIONS_BOT_LOGIN

    @classmethod
    def as_app(
        cls, credentials: AppCredentials, repository: str, api_url: str = DEFAULT_API_URL
    ) -> GitHub:
        """Log in as the App's installation on `repository` (OWNER/NAME).

        The App's key signs a JSON Web Token valid for a minute; GitHub trades it for an
        installation token valid for an hour, which every later call uses.
        """
        github = cls("", api_url, app=credentials)
        github._secrets = (credentials.private_key.decode("ascii"),)
        client = github._client
        owner, _, name = repository.partition("/")
        # PyJWT 2.10+ signs only a text `iss`; GitHub reads the App id from it either way.
        app_id: Any = str(credentials.app_id)
        with github.translate("logging in as the GitHub App"):
            client.login_as_app(credentials.private_key, app_id, expire_in=60)
            app = client.authenticated_app()
            installation = credentials.installation_id
            if installation is None:
                try:
                    found = client.app_installation_for_repository(owner, name)
                except github3.exceptions.NotFoundError:
                    found = None
                if found is None:
                    raise GitHubError(
                        f"The GitHub App (id {credentials.app_id}) is not installed on "
                        f"{repository}: install it there (the App's page, Install App).",
                        404,
                    )
                installation = int(found.id)
            client.login_as_app_installation(
                credentials.private_key, app_id, installation, expire_in=60
            )
        # The installation token is a secret too; keep it out of every message.
        github._secrets += (str(getattr(client.session.auth, "token", "")),)
        github.bot_login = f"{app.slug}[bot]"
        return github

    @property
    def is_app(self) -> bool:
        return self._app is not None

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, repository: str | None = None
    ) -> GitHub:
        """The App mode when SOCIALREG_APP_ID is set, else the GITHUB_TOKEN mode."""
        env = os.environ if environ is None else environ
        api_url = env.get("GITHUB_API_URL") or DEFAULT_API_URL
        credentials = AppCredentials.from_environment(env)
        if credentials is not None:
            where = repository or env.get("GITHUB_REPOSITORY", "")
            return cls.as_app(credentials, where, api_url)
        github = cls(env.get("GITHUB_TOKEN", ""), api_url)
        github.bot_login = env.get("SOCIALREG_BOT_LOGIN") or ACTIONS_BOT_LOGIN
        return github

    def repository(self, full_name: str) -> Repository:
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise GitHubError(
                f"--repo must be OWNER/NAME, like example-org/social-media (not {full_name!r})."
            )
        found = self.call(
            f"opening the repository {full_name}", self._client.repository, owner, name
        )
        if found is None:
            raise GitHubError(explain_status(404, f"opening the repository {full_name}"))
        return Repository(self, found)

    def call(self, what: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.translate(what):
            return function(*args, **kwargs)

    @contextmanager
    def translate(self, what: str) -> Iterator[None]:
        """Turn every github3 or network exception raised inside into one `GitHubError`."""
        try:
            yield
        except GitHubError:
            raise
        except github3.exceptions.GitHubError as error:
            detail = _scrub(str(error.msg or ""), self._secrets)
            if isinstance(error, github3.exceptions.IncompleteResponse):
                message = f"GitHub's answer was incomplete while {what}; try again."
            else:
                message = explain_status(int(error.code), what, detail)
            raise GitHubError(_scrub(message, self._secrets), error.code) from None
        except (github3.exceptions.TransportError, requests.RequestException) as error:
            cause = getattr(error, "exception", error)
            kind = "timed out" if isinstance(cause, requests.Timeout) else "failed"
            raise GitHubError(
                f"Cannot reach GitHub at {_safe_url(self.api_url)} while {what}: the connection "
                f"{kind}. Check GITHUB_API_URL and the network, then try again."
            ) from None
        except github3.exceptions.GitHubException as error:
            raise GitHubError(
                _scrub(
                    f"GitHub could not be used while {what}: {error.__class__.__name__}.",
                    self._secrets,
                )
            ) from None
        except (ValueError, KeyError, TypeError) as error:
            # An answer that does not look like GitHub's (a proxy's HTML page, say).
            raise GitHubError(
                f"GitHub's answer could not be read while {what} ({error.__class__.__name__}). "
                "Check that GITHUB_API_URL points at the API root, like https://HOST/api/v3."
            ) from None


class Repository:
    """One repository; every method is one API question and returns plain values."""

    def __init__(self, github: GitHub, repository: Any) -> None:
        self._github = github
        self._repo = repository
        self.full_name: str = str(repository.full_name)
        self.default_branch: str = str(repository.default_branch)
        self._pulls: dict[int, Any] = {}  # github3 pull requests already fetched, by number

    def _list(self, what: str, iterator: Callable[[], Any]) -> list[Any]:
        with self._github.translate(what):
            return list(iterator())

    def _get_json(self, what: str, *parts: str, params: dict[str, Any] | None = None) -> Any:
        """One GET below the repository's address, for questions github3 has no method for."""
        url = self._repo._build_url(*parts, base_url=self._repo._api)
        with self._github.translate(what):
            return self._repo._json(self._repo._get(url, params=params), 200)

    # --- pull requests --------------------------------------------------------------------------

    def _pull_object(self, number: int, what: str) -> Any:
        if number not in self._pulls:
            pull = self._github.call(what, self._repo.pull_request, number)
            if pull is None:
                raise GitHubError(explain_status(404, what), 404)
            self._pulls[number] = pull
        return self._pulls[number]

    def pull_request(self, number: int) -> PullRequest:
        what = f"reading pull request #{number} of {self.full_name}"
        return _pull(self._pull_object(number, what))

    def pull_request_files(self, number: int) -> list[ChangedFile]:
        """Every file the pull request changes (all pages)."""
        what = f"listing the files of pull request #{number}"
        pull = self._pull_object(number, what)
        return [_changed_file(entry.as_dict()) for entry in self._list(what, pull.files)]

    def reviews(self, number: int) -> list[Review]:
        """Every review of the pull request (all pages), oldest first as GitHub lists them."""
        what = f"reading the reviews of pull request #{number}"
        pull = self._pull_object(number, what)
        return [
            Review(
                id=int(review.id),
                user=str(review.user.login) if review.user else "",
                state=str(review.state),
                commit_id=str(review.commit_id or ""),
                submitted_at=review.submitted_at,
            )
            for review in self._list(what, pull.reviews)
        ]

    def open_pull_requests(self, base: str | None = None) -> list[PullRequest]:
        """The open pull requests (into `base` when given), all pages."""
        what = f"listing the open pull requests of {self.full_name}"
        found = self._list(what, lambda: self._repo.pull_requests(state="open", base=base))
        return [_pull(pull) for pull in found]

    def pull_requests_for_commit(self, sha: str) -> list[PullRequest]:
        """The pull requests that brought the commit in: after a merge, the merged one
        (GET commits/{sha}/pulls)."""
        what = f"finding the pull request of commit {sha[:7]}"
        url = self._repo._build_url("commits", sha, "pulls", base_url=self._repo._api)
        iterator = self._repo._iter(-1, url, github3.pulls.ShortPullRequest)
        return [_pull(pull) for pull in self._list(what, lambda: iterator)]

    def force_push_times(self, number: int) -> list[datetime.datetime]:
        """When the pull request's branch was force-pushed (its `head_ref_force_pushed` events)."""
        what = f"reading the events of pull request #{number}"
        issue = self._issue(number, what)
        return [
            event.created_at
            for event in self._list(what, issue.events)
            if event.event == "head_ref_force_pushed" and event.created_at is not None
        ]

    # --- contents and commits ---------------------------------------------------------------------

    def file_text(self, path: str, ref: str) -> str | None:
        """The text of a file at a branch, tag or commit; None when it does not exist there."""
        what = f"reading {path} at {ref}"
        with self._github.translate(what):
            try:
                contents = self._repo.file_contents(path, ref=ref)
            except github3.exceptions.NotFoundError:
                return None
            if contents is None or contents.type != "file":
                return None
            return bytes(contents.decoded).decode("utf-8", errors="replace")

    def branch_sha(self, branch: str) -> str:
        """The commit a branch points at now."""
        what = f"reading the branch {branch}"
        found = self._github.call(what, self._repo.branch, branch)
        if found is None:
            raise GitHubError(explain_status(404, what), 404)
        return str(found.commit.sha)

    def tree_modes(self, sha: str) -> TreeModes:
        """The git mode of every path in the commit (one call, the recursive tree)."""
        data = self._get_json(
            f"reading the file list of commit {sha[:7]}",
            "git",
            "trees",
            sha,
            params={"recursive": "1"},
        )
        modes = {
            str(entry["path"]): str(entry["mode"])
            for entry in data.get("tree") or []
            if entry.get("type") != "tree"
        }
        return TreeModes(modes, complete=not data.get("truncated", False))

    def permission(self, login: str) -> str:
        """A person's permission on the repository: admin, maintain, write, triage, read, none."""
        try:
            data = self._get_json(
                f"reading the permission of @{login}", "collaborators", login, "permission"
            )
        except GitHubError as error:
            if error.status == 404:  # not a collaborator (or no such account any more)
                return "none"
            raise
        role = str(data.get("role_name") or "")
        return role if role in WRITE_PERMISSIONS else str(data.get("permission") or "none")

    def create_status(
        self,
        sha: str,
        state: str,
        context: str,
        description: str,
        target_url: str | None = None,
    ) -> None:
        """Set a commit status; the description is cut to GitHub's 140 characters."""
        if len(description) > STATUS_DESCRIPTION_LIMIT:
            description = description[: STATUS_DESCRIPTION_LIMIT - 1].rstrip() + "…"
        self._github.call(
            f"setting the status {context} on commit {sha[:7]}",
            self._repo.create_status,
            sha,
            state,
            target_url=target_url,
            description=description,
            context=context,
        )

    def create_check_run(
        self,
        sha: str,
        name: str,
        conclusion: str,
        title: str,
        summary: str,
        details_url: str | None = None,
    ) -> None:
        """A finished check run on the commit (the App mode's form of a status)."""
        if len(title) > STATUS_DESCRIPTION_LIMIT:
            title = title[: STATUS_DESCRIPTION_LIMIT - 1].rstrip() + "…"
        self._github.call(
            f"writing the check {name} on commit {sha[:7]}",
            self._repo.create_check_run,
            name,
            sha,
            details_url=details_url,
            status="completed",
            conclusion=conclusion,
            completed_at=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            output={"title": title, "summary": summary[:CHECK_SUMMARY_LIMIT]},
        )

    # --- issues, comments and labels --------------------------------------------------------------

    def _issue(self, number: int, what: str) -> Any:
        issue = self._github.call(what, self._repo.issue, number)
        if issue is None:
            raise GitHubError(explain_status(404, what))
        return issue

    def comments(self, number: int) -> list[Comment]:
        what = f"reading the comments of #{number}"
        issue = self._issue(number, what)
        return [_comment(comment) for comment in self._list(what, issue.comments)]

    def create_comment(self, number: int, body: str) -> Comment:
        what = f"commenting on #{number}"
        issue = self._issue(number, what)
        return _comment(self._github.call(what, issue.create_comment, body))

    def edit_comment(self, number: int, comment_id: int, body: str) -> None:
        what = f"updating comment {comment_id} on #{number}"
        issue = self._issue(number, what)
        comment = self._github.call(what, issue.comment, comment_id)
        if comment is None:
            raise GitHubError(explain_status(404, what))
        self._github.call(what, comment.edit, body)

    def labels(self, number: int) -> list[str]:
        what = f"reading the labels of #{number}"
        issue = self._issue(number, what)
        return [str(label.name) for label in self._list(what, issue.labels)]

    def ensure_label(self, name: str, color: str = "ededed", description: str = "") -> None:
        """Create the label in the repository unless it exists."""
        what = f"creating the label {name!r}"
        with self._github.translate(what):
            try:
                self._repo.label(name)
                return
            except github3.exceptions.NotFoundError:
                pass
            try:
                self._repo.create_label(name, color, description or None)
            except github3.exceptions.UnprocessableEntity:
                return  # created at the same moment by another run

    def add_label(
        self, number: int, name: str, color: str = "ededed", description: str = ""
    ) -> None:
        self.ensure_label(name, color, description)
        what = f"adding the label {name!r} to #{number}"
        issue = self._issue(number, what)
        # GitHub's description asks for {"labels": [...]}; github3's add_labels sends a bare
        # list, which GitHub still takes but no longer describes (the contract tests check).
        url = issue._build_url("labels", base_url=issue._api)
        with self._github.translate(what):
            issue._json(issue._post(url, data={"labels": [name]}), 200)

    def remove_label(self, number: int, name: str) -> None:
        """Remove a label from an issue; nothing happens when it is not there."""
        what = f"removing the label {name!r} from #{number}"
        issue = self._issue(number, what)
        with self._github.translate(what):
            try:
                issue.remove_label(name)
            except github3.exceptions.NotFoundError:
                return

    def issues(self, label: str | None = None, state: str = "open") -> list[Issue]:
        """Issues (not pull requests) with the label, in the state open, closed or all."""
        what = f"listing the {state} issues of {self.full_name}"
        found = self._list(what, lambda: self._repo.issues(state=state, labels=label))
        return [issue for issue in map(_issue, found) if not issue.is_pull_request]

    def create_issue(self, title: str, body: str, labels: tuple[str, ...] = ()) -> Issue:
        for label in labels:
            self.ensure_label(label)
        what = f"opening the issue {title!r}"
        created = self._github.call(
            what, self._repo.create_issue, title, body=body, labels=list(labels) or None
        )
        if created is None:
            raise GitHubError(f"GitHub did not open the issue while {what}.")
        return _issue(created)

    def edit_issue(
        self,
        number: int,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
    ) -> None:
        what = f"updating issue #{number}"
        issue = self._issue(number, what)
        self._github.call(what, issue.edit, title=title, body=body, state=state)

    def close_issue(self, number: int) -> None:
        self.edit_issue(number, state="closed")


def _pull(pull: Any) -> PullRequest:
    return PullRequest(
        number=int(pull.number),
        author=str(pull.user.login),
        title=str(pull.title or ""),
        state=str(pull.state),
        head_sha=str(pull.head.sha),
        head_ref=str(pull.head.ref),
        base_ref=str(pull.base.ref),
        base_sha=str(pull.base.sha),
        html_url=str(pull.html_url),
        changed_files=_optional_int(pull.as_dict().get("changed_files")),
        draft=bool(pull.as_dict().get("draft")),
    )


def _optional_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _changed_file(entry: Mapping[str, Any]) -> ChangedFile:
    return ChangedFile(
        filename=str(entry["filename"]),
        status=str(entry.get("status", "modified")),
        previous_filename=entry.get("previous_filename") or None,
    )


def _comment(comment: Any) -> Comment:
    return Comment(int(comment.id), str(comment.user.login), str(comment.body or ""))


def _issue(issue: Any) -> Issue:
    data = issue.as_dict()
    return Issue(
        number=int(issue.number),
        title=str(issue.title or ""),
        body=str(issue.body or ""),
        state=str(issue.state),
        labels=tuple(str(label["name"]) for label in data.get("labels") or []),
        is_pull_request=bool(data.get("pull_request")),
        html_url=str(issue.html_url),
    )
