"""The part of GitHub's OpenAPI description that socialreg's requests use, for Stoplight Prism.

GitHub's description (`@octokit/openapi`, generated/api.github.com.json) is 13 MB; Prism takes
long to load all of it. This keeps the paths below, every component they refer to (followed
transitively) and drops the response examples, which the proxy does not need. Nothing is changed
in what is kept: the schemas, parameters and required fields are GitHub's own.

One addition: GitHub marks the `path` of the contents API `x-multi-segment` (it may hold
slashes, `org/units.yaml`), which OpenAPI 3.0 cannot say and Prism does not read. Each such
path is also written with two to five segments (`{path_1}/{path_2}`, ...), each a plain string
parameter, the same operation otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Every path of the REST API that socialreg.github.api asks (see its methods).
PATHS = (
    "/app",
    "/app/installations/{installation_id}/access_tokens",
    "/repos/{owner}/{repo}",
    "/repos/{owner}/{repo}/installation",
    "/repos/{owner}/{repo}/pulls",
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    "/repos/{owner}/{repo}/pulls/{pull_number}/files",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    "/repos/{owner}/{repo}/contents/{path}",
    "/repos/{owner}/{repo}/branches/{branch}",
    "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    "/repos/{owner}/{repo}/collaborators/{username}/permission",
    "/repos/{owner}/{repo}/statuses/{sha}",
    "/repos/{owner}/{repo}/check-runs",
    "/repos/{owner}/{repo}/issues",
    "/repos/{owner}/{repo}/issues/{issue_number}",
    "/repos/{owner}/{repo}/issues/{issue_number}/events",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    "/repos/{owner}/{repo}/labels",
    "/repos/{owner}/{repo}/labels/{name}",
)


def _refs(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for item in value.values():
            _refs(item, found)
    elif isinstance(value, list):
        for item in value:
            _refs(item, found)


def _without_examples(value: Any) -> Any:
    """Drop media-type examples (a media type object is the one with a `schema`)."""
    if isinstance(value, dict):
        skip = {"examples"} if "schema" in value else set()
        return {key: _without_examples(item) for key, item in value.items() if key not in skip}
    if isinstance(value, list):
        return [_without_examples(item) for item in value]
    return value


MAX_SEGMENTS = 5


def _multi_segment_variants(path: str, item: dict[str, Any]) -> dict[str, Any]:
    """The path again with its `x-multi-segment` parameter split into 2..5 segments."""
    variants: dict[str, Any] = {}
    for count in range(2, MAX_SEGMENTS + 1):
        copy = json.loads(json.dumps(item))
        new_path = path
        for operation in copy.values():
            if not isinstance(operation, dict):
                continue
            parameters = []
            for parameter in operation.get("parameters", []):
                if parameter.get("x-multi-segment"):
                    name = parameter["name"]
                    names = [f"{name}_{index}" for index in range(1, count + 1)]
                    new_path = path.replace(
                        "{" + name + "}", "/".join("{" + n + "}" for n in names)
                    )
                    parameters += [
                        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                        for n in names
                    ]
                else:
                    parameters.append(parameter)
            operation["parameters"] = parameters
        if new_path != path:
            variants[new_path] = copy
    return variants


def subset(description: dict[str, Any], paths: tuple[str, ...] = PATHS) -> dict[str, Any]:
    kept_paths = {path: description["paths"][path] for path in paths}
    kept_paths = _without_examples(kept_paths)
    for path, item in list(kept_paths.items()):
        kept_paths.update(_multi_segment_variants(path, item))
    components: dict[str, dict[str, Any]] = {}
    pending: set[str] = set()
    _refs(kept_paths, pending)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        if kind == "examples":
            continue
        value = _without_examples(description["components"][kind][name])
        components.setdefault(kind, {})[name] = value
        _refs(value, pending)
    result: dict[str, Any] = {
        key: description[key] for key in ("openapi", "info") if key in description
    }
    result["servers"] = [{"url": "/"}]
    result["paths"] = kept_paths
    result["components"] = components
    return result


def write_subset(package: Path, target: Path) -> Path:
    description = json.loads(
        (package / "generated" / "api.github.com.json").read_text(encoding="utf-8")
    )
    target.write_text(json.dumps(subset(description)), encoding="utf-8")
    return target
