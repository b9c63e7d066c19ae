"""Everything socialreg asks of GitHub: the API, the approval gate and the pull request bot.

- `api`: the only module that imports github3; plain values out, one `GitHubError`.
- `approvals`: the two-key decision in steps (scope, candidates, staleness, keys, verdict).
- `approvals_text`: its words (the status line and the Markdown summary).
- `gate`: gathers the facts from GitHub, decides, and posts the status or check run.
- `events`: which pull requests a GitHub event re-checks.
- `pr_comment`: the one comment and the labels.
- `bot`: the two commands' work (`socialreg github approvals` and `comment`).
"""
