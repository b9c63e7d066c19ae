"""A local stand-in for GitHub's REST API, for end-to-end tests of tools/socialreg/github/.

It serves the Enterprise-style root `http://127.0.0.1:PORT/api/v3` from a thread, keeps its
state in memory (repositories, commits with whole file trees, branches, pull requests, reviews,
statuses, issues, comments, labels) and answers with bodies built from the trimmed example
responses of GitHub's OpenAPI description in tests/fixtures/github/ (see the README there).

What it does like GitHub: token check (401 "Bad credentials"); GitHub App logins (a JSON Web
Token signed with the App's key, checked against its public key, traded for an installation
token); statuses and check runs remembered with the App that wrote them, and `ruleset_passes`,
which answers as a ruleset's required check with or without a required App would; 404 for
unknown repositories and objects, pagination with `per_page`/`page` and a `Link` header,
`previous_filename` for renamed files, the compare API's `ahead`/`behind`/`diverged`/
`identical`, at most 3,000 files of a pull request, labels created on first use when added to
an issue. What it adds for tests: `fail()` forces a status code for
matching requests, and `requests` records every request (method, path, body).
"""

from __future__ import annotations

import base64
import difflib
import functools
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "github"
TEMPLATE_ORIGIN = "https://api.github.com"
TEMPLATE_REPO = "octocat/Hello-World"
TIMESTAMP = "2026-03-02T10:00:00Z"
DOCS = "https://docs.github.com/rest"


def fixture(name: str) -> Any:
    """A fixture with its `{"$fixture": ...}` references resolved (a fresh copy each time)."""
    return json.loads(_resolved_text(name))


@functools.cache
def _resolved_text(name: str) -> str:
    return json.dumps(_resolve(json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))))


def _resolve(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$fixture"}:
            return fixture(value["$fixture"])
        return {key: _resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item) for item in value]
    return value


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


SYMLINK_MODE = "120000"
FILE_MODE = "100644"
# The App behind the workflow token (GITHUB_TOKEN): GitHub Actions.
ACTIONS_APP_ID = 15368
ACTIONS_APP_SLUG = "github-actions"
# GitHub lists at most this many files of a pull request.
PULL_FILES_LIMIT = 3000


def app_key_pair() -> tuple[bytes, bytes]:
    """A new RSA key for a test GitHub App: (private key PEM, public key PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def timestamp(tick: int) -> str:
    """The server's clock: every review and event gets the next tick, a second apart."""
    return f"2026-03-02T{10 + tick // 3600:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}Z"


@dataclass
class Commit:
    sha: str
    parent: str | None
    files: dict[str, str]
    modes: dict[str, str] = field(default_factory=dict)  # path -> git mode, when not 100644


@dataclass
class Review:
    id: int
    user: str
    state: str
    commit_id: str
    body: str = ""


@dataclass
class Comment:
    id: int
    user: str
    body: str


@dataclass
class Issue:
    number: int
    title: str
    body: str
    user: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    is_pull: bool = False


@dataclass
class Pull:
    number: int
    user: str
    head_sha: str
    base_ref: str
    base_sha: str
    head_ref: str
    state: str = "open"
    reviews: list[Review] = field(default_factory=list)
    force_pushed_at: list[int] = field(default_factory=list)  # clock ticks
    draft: bool = False


@dataclass
class Repo:
    owner: str
    name: str
    default_branch: str = "main"
    branches: dict[str, str] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    pulls: dict[int, Pull] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    # login -> permission (admin, maintain, write, triage, read, none); anyone else: write.
    permissions: dict[str, str] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    # --- building state for a test ------------------------------------------------------------

    def commit(
        self,
        files: dict[str, str],
        parent: str | None = None,
        modes: dict[str, str] | None = None,
    ) -> str:
        """Add a commit whose tree is `files`; returns its sha."""
        modes = dict(modes or {})
        digest = hashlib.sha1(
            json.dumps([parent, sorted(files.items()), sorted(modes.items())]).encode("utf-8")
        ).hexdigest()
        self.commits[digest] = Commit(digest, parent, dict(files), modes)
        return digest

    def change(
        self, parent: str, changes: dict[str, str | None], symlinks: tuple[str, ...] = ()
    ) -> str:
        """A commit on top of `parent` that writes (or, with None, deletes) some files.

        The paths in `symlinks` become symbolic links whose target is their text.
        """
        files = dict(self.commits[parent].files)
        modes = dict(self.commits[parent].modes)
        for path, text in changes.items():
            modes.pop(path, None)
            if text is None:
                files.pop(path, None)
            else:
                files[path] = text
        modes.update(dict.fromkeys(symlinks, SYMLINK_MODE))
        return self.commit(files, parent, modes)

    def tick(self) -> int:
        return next(self._ids)

    def branch(self, name: str, files: dict[str, str]) -> str:
        sha = self.commit(files, self.branches.get(name))
        self.branches[name] = sha
        return sha

    def open_pull(self, user: str, changes: dict[str, str | None], base: str = "main") -> Pull:
        """Open a pull request from `user` whose one commit applies `changes` to `base`."""
        base_sha = self.branches[base]
        head_sha = self.change(base_sha, changes)
        number = next(self._numbers)
        pull = Pull(number, user, head_sha, base, base_sha, f"{user}-patch-{number}")
        self.pulls[number] = pull
        self.issues[number] = Issue(number, f"Change {number}", "", user, is_pull=True)
        return pull

    def push(
        self, pull: Pull, changes: dict[str, str | None], symlinks: tuple[str, ...] = ()
    ) -> str:
        pull.head_sha = self.change(pull.head_sha, changes, symlinks)
        return pull.head_sha

    def force_push(self, pull: Pull, sha: str) -> None:
        """Point the pull request's branch at `sha`, as `git push --force` does."""
        pull.head_sha = sha
        pull.force_pushed_at.append(self.tick())

    def retarget(self, pull: Pull, base: str) -> None:
        """Change the pull request's base branch (Edit, next to the title)."""
        pull.base_ref = base
        pull.base_sha = self.branches[base]

    def ruleset_passes(self, sha: str, context: str, app_id: int | None = None) -> bool:
        """Whether a ruleset's required check `context` passes on `sha`.

        With `app_id`, only results written by that App count, as when the ruleset names the
        App the check must come from; without it, any status or check run of that name does.
        """
        results = [
            (entry["tick"], entry["state"])
            for entry in self.statuses
            if entry["sha"] == sha
            and entry.get("context") == context
            and app_id in (None, entry["app_id"])
        ]
        results += [
            (entry["tick"], entry["conclusion"])
            for entry in self.check_runs
            if entry["head_sha"] == sha
            and entry["name"] == context
            and app_id in (None, entry["app_id"])
        ]
        return bool(results) and max(results)[1] == "success"

    def review(
        self, pull: Pull, user: str, state: str = "APPROVED", on: str | None = None
    ) -> Review:
        review = Review(self.tick(), user, state, on or pull.head_sha)
        pull.reviews.append(review)
        return review

    def add_issue(
        self, title: str, user: str = "octocat", labels: list[str] | None = None
    ) -> Issue:
        number = next(self._numbers)
        issue = Issue(number, title, "", user, labels=list(labels or []))
        for label in issue.labels:
            self._label(label)
        self.issues[number] = issue
        return issue

    def statuses_for(self, sha: str) -> list[dict[str, Any]]:
        return [status for status in self.statuses if status["sha"] == sha]

    # --- git-like helpers -----------------------------------------------------------------------

    def resolve(self, ref: str) -> Commit:
        sha = self.branches.get(ref, ref)
        if sha not in self.commits:
            raise HttpError(404, "No commit found for the ref " + ref)
        return self.commits[sha]

    def ancestors(self, sha: str) -> list[str]:
        chain: list[str] = []
        current: str | None = sha
        while current is not None:
            chain.append(current)
            current = self.commits[current].parent
        return chain

    def _label(self, name: str) -> dict[str, Any]:
        if name not in self.labels:
            self.labels[name] = {"name": name, "color": "ededed", "description": None}
        return self.labels[name]


def diff_entries(before: dict[str, str], after: dict[str, str]) -> list[dict[str, Any]]:
    """The changed files between two trees, with renames found like git finds them."""
    removed = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    renamed: dict[str, str] = {}
    for new in added:
        for old in removed:
            if old in renamed.values() or old.rsplit("/", 1)[-1] != new.rsplit("/", 1)[-1]:
                continue
            if difflib.SequenceMatcher(None, before[old], after[new]).ratio() >= 0.5:
                renamed[new] = old
                break
    entries: list[dict[str, Any]] = []
    for path in sorted(set(before) | set(after)):
        if path in renamed.values():
            continue
        if path in renamed:
            changed = before[renamed[path]] != after[path]
            entries.append(
                {
                    "filename": path,
                    "status": "renamed",
                    "previous_filename": renamed[path],
                    "changes": 1 if changed else 0,
                }
            )
        elif path not in before:
            entries.append({"filename": path, "status": "added", "changes": 1})
        elif path not in after:
            entries.append({"filename": path, "status": "removed", "changes": 1})
        elif before[path] != after[path]:
            entries.append({"filename": path, "status": "modified", "changes": 1})
    return entries


@dataclass
class App:
    """A GitHub App: its number, name, public key, and the installation on the repositories."""

    id: int
    slug: str
    public_key: bytes
    installation_id: int
    repositories: tuple[str, ...]


@dataclass
class Failure:
    pattern: re.Pattern[str]
    status: int
    method: str | None
    times: int | None
    # Echo the request's Authorization header in the error message, as a misbehaving proxy
    # might, so a test can show the token never reaches what we print.
    echo_authorization: bool = False


class FakeGitHub:
    """The server's state and its HTTP front; use as a context manager or via the fixture."""

    def __init__(self, token: str = "test-token-0123456789") -> None:
        self.token = token
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str, Any]] = []
        self.apps: dict[int, App] = {}
        self.caller: tuple[int, str] = (ACTIONS_APP_ID, ACTIONS_APP_SLUG)  # who asked last
        self.public_root: str | None = None
        # token -> (app id, app slug); the workflow token belongs to GitHub Actions' App.
        self.tokens: dict[str, tuple[int, str]] = {token: (ACTIONS_APP_ID, ACTIONS_APP_SLUG)}
        self.failures: list[Failure] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def api_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/v3"

    @property
    def advertised_url(self) -> str:
        """The API root written into answers (links, `url` fields): this server's own, or that
        of a proxy in front of it (`public_root`), so that every later request goes through it."""
        return self.public_root or self.api_url

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def add_repo(self, full_name: str, files: dict[str, str] | None = None) -> Repo:
        owner, name = full_name.split("/")
        repo = Repo(owner, name)
        repo.branch("main", files or {})
        self.repos[full_name.lower()] = repo
        return repo

    def fail(
        self,
        path_pattern: str,
        status: int,
        method: str | None = None,
        times: int | None = None,
        echo_authorization: bool = False,
    ) -> None:
        """Answer requests whose path (after /api/v3) matches `path_pattern` with `status`."""
        failure = Failure(re.compile(path_pattern), status, method, times, echo_authorization)
        self.failures.append(failure)

    def add_app(
        self, app_id: int, slug: str, public_key: bytes, repositories: tuple[str, ...]
    ) -> App:
        """Register a GitHub App installed on `repositories` (OWNER/NAME)."""
        app = App(app_id, slug, public_key, app_id * 10 + 1, repositories)
        self.apps[app_id] = app
        return app

    def writes(self) -> list[tuple[str, str, Any]]:
        return [request for request in self.requests if request[0] != "GET"]

    # --- request handling -----------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        split = urlsplit(raw_path)
        path = split.path
        query = {key: values[-1] for key, values in parse_qs(split.query).items()}
        with self._lock:
            self.requests.append((method, path, body))
            if not path.startswith("/api/v3/"):
                raise HttpError(404, "Not Found")
            path = path[len("/api/v3") :]
            for failure in self.failures:
                if failure.method not in (None, method) or not failure.pattern.search(path):
                    continue
                if failure.times is not None:
                    if failure.times <= 0:
                        continue
                    failure.times -= 1
                echoed = f" (you sent: {headers.get('authorization', '')})"
                reason = _reason(failure.status) + (echoed if failure.echo_authorization else "")
                raise HttpError(failure.status, reason)
            authorization = headers.get("authorization", "")
            scheme, _, given = authorization.partition(" ")
            if scheme.lower() == "bearer" and given.count(".") == 2:
                return self._app_route(method, path, self._app_from_jwt(given))
            if scheme.lower() not in ("token", "bearer") or given not in self.tokens:
                raise HttpError(401, "Bad credentials")
            self.caller = self.tokens[given]
            return self._route(method, path, query, body)

    # --- GitHub Apps --------------------------------------------------------------------------

    def _app_from_jwt(self, token: str) -> App:
        """The App whose key signed the JSON Web Token; 401 as GitHub answers otherwise."""
        import jwt  # PyJWT, which github3.py itself uses to sign

        try:
            claims = jwt.decode(token, options={"verify_signature": False})
            app = self.apps.get(int(claims["iss"]))
            if app is None:
                raise HttpError(401, "Integration not found")
            jwt.decode(
                token, app.public_key, algorithms=["RS256"], options={"require": ["exp", "iat"]}
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            raise HttpError(401, "A JSON web token could not be decoded") from None
        if int(claims["exp"]) - int(claims["iat"]) > 600:
            raise HttpError(401, "'Expiration time' claim ('exp') is too far in the future")
        return app

    def _app_route(self, method: str, path: str, app: App) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path == "/app":
            data: dict[str, Any] = fixture("integration")
            data.update({"id": app.id, "slug": app.slug, "name": app.slug})
            return 200, data, {}
        found = re.fullmatch(r"/repos/([^/]+)/([^/]+)/installation", path)
        if method == "GET" and found is not None:
            if f"{found[1]}/{found[2]}".lower() not in {r.lower() for r in app.repositories}:
                raise HttpError(404, "Not Found")
            data = fixture("installation")
            data.update({"id": app.installation_id, "app_id": app.id, "app_slug": app.slug})
            return 200, data, {}
        found = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
        if method == "POST" and found is not None:
            if int(found[1]) != app.installation_id:
                raise HttpError(404, "Not Found")
            token = f"ghs_{hashlib.sha1(f'{app.id}-{len(self.tokens)}'.encode()).hexdigest()}"
            self.tokens[token] = (app.id, app.slug)
            data = fixture("installation-token")
            data.update({"token": token, "expires_at": "2999-01-01T00:00:00Z"})
            return 201, data, {}
        # A JSON Web Token opens only the App's own endpoints, as on GitHub.
        raise HttpError(401, "A JSON web token could not be used for this endpoint")

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        match = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if match is None:
            raise HttpError(404, "Not Found")
        repo = self.repos.get(f"{match[1]}/{match[2]}".lower())
        if repo is None:
            raise HttpError(404, "Not Found")
        rest = unquote(match[3] or "")
        for pattern, route_method, handler in _ROUTES:
            found = re.fullmatch(pattern, rest)
            if found is not None and route_method == method:
                return handler(self, repo, query, body, *found.groups())
        raise HttpError(404, "Not Found")

    # --- responses ----------------------------------------------------------------------------

    def user(self, login: str) -> dict[str, Any]:
        user: dict[str, Any] = fixture("simple-user")
        text = json.dumps(user).replace('"octocat"', json.dumps(login))
        # GitHub writes a bot's login into its addresses percent-encoded (`%5Bbot%5D`).
        user = json.loads(text.replace("/octocat", "/" + quote(login)))
        user["id"] = int(hashlib.sha1(login.encode()).hexdigest()[:6], 16)
        user["type"] = "Bot" if login.endswith("[bot]") else "User"
        return user

    def repository(self, repo: Repo) -> dict[str, Any]:
        data: dict[str, Any] = fixture("repository")
        data.update(
            {"name": repo.name, "full_name": repo.full_name, "default_branch": repo.default_branch}
        )
        data["owner"] = self.user(repo.owner)
        # github3.py 4.0.1 reads `language`, which GitHub always sends (null for an empty
        # repository) but the OpenAPI example leaves out.
        data.setdefault("language", None)
        return data

    def pull(self, repo: Repo, pull: Pull, simple: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = fixture("pull-request-simple" if simple else "pull-request")
        if not simple:
            files = diff_entries(
                repo.commits[pull.base_sha].files, repo.commits[pull.head_sha].files
            )
            data["changed_files"] = len(files)
        data["draft"] = pull.draft
        data.update(
            {
                "number": pull.number,
                "id": pull.number + 100_000,
                "url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/pulls/{pull.number}",
                "issue_url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/issues/{pull.number}",
                "state": pull.state,
                "title": repo.issues[pull.number].title,
                "body": "",
                # github3.py 4.0.1 reads these two although the OpenAPI example lacks them.
                "body_html": "",
                "body_text": "",
                "html_url": f"https://github.com/{repo.full_name}/pull/{pull.number}",
                "user": self.user(pull.user),
            }
        )
        data["head"].update(
            {"sha": pull.head_sha, "ref": pull.head_ref, "label": f"{pull.user}:{pull.head_ref}"}
        )
        data["head"]["user"] = self.user(pull.user)
        data["base"].update(
            {"sha": pull.base_sha, "ref": pull.base_ref, "label": f"{repo.owner}:{pull.base_ref}"}
        )
        for side in ("head", "base"):
            data[side]["repo"] = self.repository(repo)
        return data

    def issue(self, repo: Repo, issue: Issue) -> dict[str, Any]:
        data: dict[str, Any] = fixture("issue")
        data.update(
            {
                "number": issue.number,
                "id": issue.number + 200_000,
                "url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/issues/{issue.number}",
                "html_url": f"https://github.com/{repo.full_name}/issues/{issue.number}",
                "title": issue.title,
                "body": issue.body,
                # github3.py 4.0.1 reads these two although the OpenAPI example lacks them.
                "body_html": "",
                "body_text": issue.body,
                "state": issue.state,
                "comments": len(issue.comments),
                "user": self.user(issue.user),
                "labels": [self.label(repo, repo._label(name)) for name in issue.labels],
                "closed_at": TIMESTAMP if issue.state == "closed" else None,
            }
        )
        if not issue.is_pull:
            data.pop("pull_request", None)
        return data

    def comment(self, issue: Issue, comment: Comment) -> dict[str, Any]:
        data: dict[str, Any] = fixture("issue-comment")
        data.update(
            {
                "id": comment.id,
                "url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/issues/comments/{comment.id}",
                "issue_url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/issues/{issue.number}",
                "body": comment.body,
                "body_html": "",
                "body_text": comment.body,
                "user": self.user(comment.user),
            }
        )
        return data

    def label(self, repo: Repo, label: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = fixture("label")
        data.update(label)
        data["url"] = f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/labels/{quote(label['name'])}"
        return data

    def review(self, repo: Repo, pull: Pull, review: Review) -> dict[str, Any]:
        data: dict[str, Any] = fixture("pull-request-review")
        data.update(
            {
                "id": review.id,
                "user": self.user(review.user),
                "state": review.state,
                "commit_id": review.commit_id,
                "body": review.body,
                # Reviews are listed oldest first, a second apart.
                "submitted_at": timestamp(review.id),
                "body_html": "",
                "body_text": review.body,
                "pull_request_url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/pulls/{pull.number}",
            }
        )
        return data


def _reason(status: int) -> str:
    return {
        401: "Bad credentials",
        403: "Resource not accessible by integration",
        404: "Not Found",
        422: "Validation Failed",
        500: "Internal Server Error",
        502: "Server Error",
        503: "Service Unavailable",
    }.get(status, "Error")


Handler = Callable[..., tuple[int, Any, dict[str, str]]]


def _paginate(items: list[Any], query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
    per_page = max(1, min(100, int(query.get("per_page", "30"))))
    page = max(1, int(query.get("page", "1")))
    pages = max(1, (len(items) + per_page - 1) // per_page)
    chunk = items[(page - 1) * per_page : page * per_page]
    links: list[tuple[str, int]] = []
    if page < pages:
        links += [("next", page + 1), ("last", pages)]
    if page > 1:
        links += [("first", 1), ("prev", page - 1)]
    headers: dict[str, str] = {}
    if links:
        # The handler fills in the request's own address for {url}.
        headers["Link"] = ", ".join(
            f'<{{url}}?{urlencode({**query, "per_page": per_page, "page": number})}>; rel="{rel}"'
            for rel, number in links
        )
    return 200, chunk, headers


def _pull_of(repo: Repo, number: str) -> Pull:
    pull = repo.pulls.get(int(number))
    if pull is None:
        raise HttpError(404, "Not Found")
    return pull


def _issue_of(repo: Repo, number: str) -> Issue:
    issue = repo.issues.get(int(number))
    if issue is None:
        raise HttpError(404, "Not Found")
    return issue


def _get_repo(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any) -> Any:
    return 200, server.repository(repo), {}


def _get_pull(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    return 200, server.pull(repo, _pull_of(repo, n)), {}


def _pull_files(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    pull = _pull_of(repo, n)
    before = repo.commits[pull.base_sha].files
    after = repo.commits[pull.head_sha].files
    entries = []
    for entry in diff_entries(before, after)[:PULL_FILES_LIMIT]:
        data: dict[str, Any] = fixture("diff-entry")
        data.update(entry)
        data["sha"] = hashlib.sha1(after.get(entry["filename"], "").encode()).hexdigest()
        data["contents_url"] = (
            f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/contents/{entry['filename']}"
            f"?ref={pull.head_sha}"
        )
        entries.append(data)
    return _paginate(entries, query)


def _reviews(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    pull = _pull_of(repo, n)
    return _paginate([server.review(repo, pull, review) for review in pull.reviews], query)


def _contents(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, p: str) -> Any:
    commit = repo.resolve(query.get("ref", repo.default_branch))
    if p not in commit.files:
        raise HttpError(404, "Not Found")
    text = commit.files[p]
    data: dict[str, Any] = fixture("content-file")
    if commit.modes.get(p) == SYMLINK_MODE:
        data.update({"type": "symlink", "target": text})
    data.update(
        {
            "name": p.rsplit("/", 1)[-1],
            "path": p,
            "size": len(text.encode("utf-8")),
            "content": base64.encodebytes(text.encode("utf-8")).decode("ascii"),
            "sha": hashlib.sha1(text.encode("utf-8")).hexdigest(),
            "url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/contents/{p}",
        }
    )
    return 200, data, {}


def _create_status(
    server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, sha: str
) -> Any:
    if sha not in repo.commits:
        raise HttpError(422, "No commit found for SHA: " + sha)
    if body.get("state") not in ("error", "failure", "pending", "success"):
        raise HttpError(422, "Validation Failed")
    if len(body.get("description") or "") > 140:
        raise HttpError(
            422, "Validation Failed: description is too long (maximum is 140 characters)"
        )
    status: dict[str, Any] = fixture("status")
    status.update(
        {
            "id": len(repo.statuses) + 1,
            "state": body["state"],
            "description": body.get("description"),
            "target_url": body.get("target_url"),
            "context": body.get("context", "default"),
            "url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/statuses/{sha}",
        }
    )
    app_id, slug = server.caller
    repo.statuses.append({"sha": sha, **body, "app_id": app_id, "tick": repo.tick()})
    status["creator"] = server.user(f"{slug}[bot]")
    return 201, status, {}


def _create_check_run(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any) -> Any:
    sha = body.get("head_sha", "")
    if sha not in repo.commits or not body.get("name"):
        raise HttpError(422, "Validation Failed")
    conclusion = body.get("conclusion")
    allowed = {"action_required", "cancelled", "failure", "neutral", "success", "skipped"}
    if body.get("status") == "completed" and conclusion not in allowed:
        raise HttpError(422, "Validation Failed: conclusion")
    if conclusion == "action_required" and not body.get("details_url"):
        raise HttpError(422, "Validation Failed: details_url is required for action_required")
    output = body.get("output") or {}
    if output and (not output.get("title") or not output.get("summary")):
        raise HttpError(422, "Validation Failed: output needs a title and a summary")
    app_id, slug = server.caller
    run = {**body, "app_id": app_id, "tick": repo.tick(), "id": len(repo.check_runs) + 1}
    repo.check_runs.append(run)
    data: dict[str, Any] = fixture("check-run")
    data.update(
        {
            "id": run["id"],
            "head_sha": sha,
            "name": body["name"],
            "status": body.get("status", "queued"),
            "conclusion": conclusion,
            "details_url": body.get("details_url"),
            "output": {**data["output"], **output},
        }
    )
    data["app"].update({"id": app_id, "slug": slug})
    return 201, data, {}


def _get_branch(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, b: str) -> Any:
    if b not in repo.branches:
        raise HttpError(404, "Branch not found")
    data: dict[str, Any] = fixture("branch")
    data["name"] = b
    data["commit"]["sha"] = repo.branches[b]
    return 200, data, {}


def _git_tree(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, sha: str) -> Any:
    commit = repo.resolve(sha)
    data: dict[str, Any] = fixture("git-tree")
    entries: list[dict[str, Any]] = []
    folders = sorted({p.rsplit("/", 1)[0] for p in commit.files if "/" in p})
    recursive = query.get("recursive") not in (None, "", "0", "false")
    for path in folders if recursive else []:
        entries.append({"path": path, "mode": "040000", "type": "tree", "sha": "0" * 40})
    for path, text in sorted(commit.files.items()):
        if not recursive and "/" in path:
            continue
        mode = commit.modes.get(path, FILE_MODE)
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        entries.append(
            {"path": path, "mode": mode, "type": "blob", "sha": digest, "size": len(text)}
        )
    data.update({"sha": commit.sha, "tree": entries, "truncated": False})
    return 200, data, {}


def _permission(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, u: str) -> Any:
    permission = repo.permissions.get(u.lower(), "write")
    if permission == "none":
        raise HttpError(404, "Not Found")  # not a collaborator
    data: dict[str, Any] = fixture("collaborator-permission")
    simple = {"maintain": "write", "triage": "read"}.get(permission, permission)
    # The description's schema (not its own example) gives the user a role and permissions.
    user = server.user(u)
    levels = ["read", "triage", "write", "maintain", "admin"]
    rank = levels.index(permission)
    user["role_name"] = permission
    user["permissions"] = {
        name: rank >= levels.index(level)
        for name, level in (
            ("pull", "read"),
            ("triage", "triage"),
            ("push", "write"),
            ("maintain", "maintain"),
            ("admin", "admin"),
        )
    }
    data.update({"permission": simple, "role_name": permission, "user": user})
    return 200, data, {}


def _issue_events(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    _issue_of(repo, n)
    pull = repo.pulls.get(int(n))
    events = []
    for tick in pull.force_pushed_at if pull else []:
        data: dict[str, Any] = fixture("issue-event")
        data.update(
            {
                "id": tick,
                "event": "head_ref_force_pushed",
                "created_at": timestamp(tick),
                "actor": server.user(pull.user) if pull else None,
                "commit_id": None,
            }
        )
        events.append(data)
    return _paginate(events, query)


def _list_pulls(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any) -> Any:
    state = query.get("state", "open")
    base = query.get("base")
    pulls = [
        server.pull(repo, pull, simple=True)
        for pull in sorted(repo.pulls.values(), key=lambda pull: -pull.number)
        if state in ("all", pull.state) and base in (None, pull.base_ref)
    ]
    return _paginate(pulls, query)


def _commit_pulls(
    server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, sha: str
) -> Any:
    pulls = [
        server.pull(repo, pull, simple=True)
        for pull in repo.pulls.values()
        if sha in repo.ancestors(pull.head_sha) and sha not in repo.ancestors(pull.base_sha)
    ]
    return _paginate(pulls, query)


def _compare(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, b: str) -> Any:
    base_ref, _, head_ref = b.partition("...")
    base, head = repo.resolve(base_ref), repo.resolve(head_ref)
    head_chain, base_chain = repo.ancestors(head.sha), repo.ancestors(base.sha)
    merge_base = next((sha for sha in head_chain if sha in base_chain), None)
    if base.sha == head.sha:
        status = "identical"
    elif base.sha in head_chain:
        status = "ahead"
    elif head.sha in base_chain:
        status = "behind"
    else:
        status = "diverged"
    start = repo.commits[merge_base].files if merge_base else {}
    data: dict[str, Any] = fixture("commit-comparison")
    data.update(
        {
            "url": f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}/compare/{b}",
            "status": status,
            "ahead_by": head_chain.index(merge_base) if merge_base else len(head_chain),
            "behind_by": base_chain.index(merge_base) if merge_base else len(base_chain),
            "files": [
                {**fixture("diff-entry"), **entry} for entry in diff_entries(start, head.files)
            ],
        }
    )
    data["total_commits"] = data["ahead_by"]
    return 200, data, {}


def _list_comments(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    issue = _issue_of(repo, n)
    return _paginate([server.comment(issue, comment) for comment in issue.comments], query)


def _create_comment(
    server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str
) -> Any:
    issue = _issue_of(repo, n)
    comment = Comment(next(repo._ids), f"{server.caller[1]}[bot]", body["body"])
    issue.comments.append(comment)
    return 201, server.comment(issue, comment), {}


def _find_comment(repo: Repo, comment_id: str) -> tuple[Issue, Comment]:
    for issue in repo.issues.values():
        for comment in issue.comments:
            if comment.id == int(comment_id):
                return issue, comment
    raise HttpError(404, "Not Found")


def _get_comment(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, c: str) -> Any:
    issue, comment = _find_comment(repo, c)
    return 200, server.comment(issue, comment), {}


def _edit_comment(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, c: str) -> Any:
    issue, comment = _find_comment(repo, c)
    comment.body = body["body"]
    return 200, server.comment(issue, comment), {}


def _issue_labels(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    issue = _issue_of(repo, n)
    return _paginate([server.label(repo, repo._label(name)) for name in issue.labels], query)


def _add_labels(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    issue = _issue_of(repo, n)
    names = body if isinstance(body, list) else body.get("labels", [])
    for name in names:
        repo._label(name)
        if name not in issue.labels:
            issue.labels.append(name)
    return 200, [server.label(repo, repo.labels[name]) for name in issue.labels], {}


def _remove_label(
    server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str, name: str
) -> Any:
    issue = _issue_of(repo, n)
    if name not in issue.labels:
        raise HttpError(404, "Label does not exist")
    issue.labels.remove(name)
    return 200, [server.label(repo, repo.labels[label]) for label in issue.labels], {}


def _get_label(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, name: str) -> Any:
    if name not in repo.labels:
        raise HttpError(404, "Not Found")
    return 200, server.label(repo, repo.labels[name]), {}


def _create_label(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any) -> Any:
    if body["name"] in repo.labels:
        raise HttpError(422, "Validation Failed: already_exists")
    repo.labels[body["name"]] = {
        "name": body["name"],
        "color": body.get("color", "ededed"),
        "description": body.get("description"),
    }
    return 201, server.label(repo, repo.labels[body["name"]]), {}


def _list_issues(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any) -> Any:
    state = query.get("state", "open")
    wanted = [label for label in query.get("labels", "").split(",") if label]
    issues = [
        server.issue(repo, issue)
        for issue in sorted(repo.issues.values(), key=lambda issue: -issue.number)
        if state in ("all", issue.state) and all(label in issue.labels for label in wanted)
    ]
    return _paginate(issues, query)


def _create_issue(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any) -> Any:
    if not body.get("title"):
        raise HttpError(422, "Validation Failed")
    issue = repo.add_issue(body["title"], f"{server.caller[1]}[bot]", body.get("labels") or [])
    issue.body = body.get("body") or ""
    return 201, server.issue(repo, issue), {}


def _get_issue(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    return 200, server.issue(repo, _issue_of(repo, n)), {}


def _edit_issue(server: FakeGitHub, repo: Repo, query: dict[str, str], body: Any, n: str) -> Any:
    issue = _issue_of(repo, n)
    for key in ("title", "body", "state"):
        if body.get(key) is not None:
            setattr(issue, key, body[key])
    if body.get("labels") is not None:
        issue.labels = [repo._label(name)["name"] for name in body["labels"]]
    return 200, server.issue(repo, issue), {}


_ROUTES: list[tuple[str, str, Handler]] = [
    (r"", "GET", _get_repo),
    (r"/pulls", "GET", _list_pulls),
    (r"/pulls/(\d+)", "GET", _get_pull),
    (r"/branches/(.+)", "GET", _get_branch),
    (r"/git/trees/([0-9a-f]{40}|[^/]+)", "GET", _git_tree),
    (r"/collaborators/([^/]+)/permission", "GET", _permission),
    (r"/issues/(\d+)/events", "GET", _issue_events),
    (r"/check-runs", "POST", _create_check_run),
    (r"/pulls/(\d+)/files", "GET", _pull_files),
    (r"/pulls/(\d+)/reviews", "GET", _reviews),
    (r"/contents/(.+)", "GET", _contents),
    (r"/statuses/([0-9a-f]{40})", "POST", _create_status),
    (r"/commits/([0-9a-f]{40})/pulls", "GET", _commit_pulls),
    (r"/compare/(.+\.\.\..+)", "GET", _compare),
    (r"/issues/(\d+)/comments", "GET", _list_comments),
    (r"/issues/(\d+)/comments", "POST", _create_comment),
    (r"/issues/comments/(\d+)", "GET", _get_comment),
    (r"/issues/comments/(\d+)", "PATCH", _edit_comment),
    (r"/issues/(\d+)/labels", "GET", _issue_labels),
    (r"/issues/(\d+)/labels", "POST", _add_labels),
    (r"/issues/(\d+)/labels/(.+)", "DELETE", _remove_label),
    (r"/labels/(.+)", "GET", _get_label),
    (r"/labels", "POST", _create_label),
    (r"/issues", "GET", _list_issues),
    (r"/issues", "POST", _create_issue),
    (r"/issues/(\d+)", "GET", _get_issue),
    (r"/issues/(\d+)", "PATCH", _edit_issue),
]


def _make_handler(server: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class GitHubHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed
        # ACKs add 40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            headers = {key.lower(): value for key, value in self.headers.items()}
            try:
                status, payload, extra = server.handle(self.command, self.path, headers, body)
            except HttpError as error:
                status, extra = error.status, {}
                payload = {
                    "message": error.message,
                    "documentation_url": DOCS,
                    "status": str(error.status),
                }
            own_root = server.advertised_url
            text = json.dumps(payload)
            text = text.replace(f"{TEMPLATE_ORIGIN}/repos/{TEMPLATE_REPO}", "{repo_url}")
            text = text.replace(TEMPLATE_ORIGIN, own_root)
            repo_match = re.match(r"/api/v3/repos/([^/?]+)/([^/?]+)", self.path)
            if repo_match is not None:
                text = text.replace(
                    "{repo_url}", f"{own_root}/repos/{repo_match[1]}/{repo_match[2]}"
                )
            encoded = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(encoded)))
            own_url = own_root + urlsplit(self.path).path.removeprefix("/api/v3")
            for key, value in extra.items():
                self.send_header(key, value.replace("{url}", own_url))
            self.end_headers()
            self.wfile.write(encoded)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

    return GitHubHandler


__all__ = [
    "App",
    "Commit",
    "FakeGitHub",
    "Issue",
    "Pull",
    "Repo",
    "Review",
    "app_key_pair",
    "fixture",
]
