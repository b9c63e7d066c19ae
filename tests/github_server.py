"""A local stand-in for GitHub's REST API, for end-to-end tests of tools/socialreg/github_api.py.

It serves the Enterprise-style root `http://127.0.0.1:PORT/api/v3` from a thread, keeps its
state in memory (repositories, commits with whole file trees, branches, pull requests, reviews,
statuses, issues, comments, labels) and answers with bodies built from the trimmed example
responses of GitHub's OpenAPI description in tests/fixtures/github/ (see the README there).

What it does like GitHub: token check (401 "Bad credentials"), 404 for unknown repositories
and objects, pagination with `per_page`/`page` and a `Link` header, `previous_filename` for
renamed files, the compare API's `ahead`/`behind`/`diverged`/`identical`, labels created on
first use when added to an issue. What it adds for tests: `fail()` forces a status code for
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


@dataclass
class Commit:
    sha: str
    parent: str | None
    files: dict[str, str]


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
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    # --- building state for a test ------------------------------------------------------------

    def commit(self, files: dict[str, str], parent: str | None = None) -> str:
        """Add a commit whose tree is `files`; returns its sha."""
        digest = hashlib.sha1(
            json.dumps([parent, sorted(files.items())]).encode("utf-8")
        ).hexdigest()
        self.commits[digest] = Commit(digest, parent, dict(files))
        return digest

    def change(self, parent: str, changes: dict[str, str | None]) -> str:
        """A commit on top of `parent` that writes (or, with None, deletes) some files."""
        files = dict(self.commits[parent].files)
        for path, text in changes.items():
            if text is None:
                files.pop(path, None)
            else:
                files[path] = text
        return self.commit(files, parent)

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

    def push(self, pull: Pull, changes: dict[str, str | None]) -> str:
        pull.head_sha = self.change(pull.head_sha, changes)
        return pull.head_sha

    def review(
        self, pull: Pull, user: str, state: str = "APPROVED", on: str | None = None
    ) -> Review:
        review = Review(next(self._ids), user, state, on or pull.head_sha)
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
class Failure:
    pattern: re.Pattern[str]
    status: int
    method: str | None
    times: int | None


class FakeGitHub:
    """The server's state and its HTTP front; use as a context manager or via the fixture."""

    def __init__(self, token: str = "test-token-0123456789") -> None:
        self.token = token
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str, Any]] = []
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
        self, path_pattern: str, status: int, method: str | None = None, times: int | None = None
    ) -> None:
        """Answer requests whose path (after /api/v3) matches `path_pattern` with `status`."""
        self.failures.append(Failure(re.compile(path_pattern), status, method, times))

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
                raise HttpError(failure.status, _reason(failure.status))
            authorization = headers.get("authorization", "")
            scheme, _, given = authorization.partition(" ")
            if scheme.lower() not in ("token", "bearer") or given != self.token:
                raise HttpError(401, "Bad credentials")
            return self._route(method, path, query, body)

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
        user = json.loads(text.replace("/octocat", "/" + login))
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
                "submitted_at": f"2026-03-02T10:{review.id // 60 % 60:02d}:{review.id % 60:02d}Z",
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
    for entry in diff_entries(before, after):
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
    repo.statuses.append({"sha": sha, **body})
    return 201, status, {}


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
    comment = Comment(next(repo._ids), "github-actions[bot]", body["body"])
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
    issue = repo.add_issue(body["title"], "github-actions[bot]", body.get("labels") or [])
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
    (r"/pulls/(\d+)", "GET", _get_pull),
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
            own_root = server.api_url
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
            own_url = "http://{}:{}{}".format(
                *server._server.server_address[:2], urlsplit(self.path).path
            )
            for key, value in extra.items():
                self.send_header(key, value.replace("{url}", own_url))
            self.end_headers()
            self.wfile.write(encoded)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

    return GitHubHandler


__all__ = ["Commit", "FakeGitHub", "Issue", "Pull", "Repo", "Review", "fixture"]
