"""Run socialreg from a checkout, without installing it.

The project's own pre-commit hooks are `repo: local` hooks, and pre-commit installs only their
`additional_dependencies` (from PyPI), never the repository itself; this script puts `tools/`
on the import path (Python does that for the folder of the script it runs) and starts the CLI.
Other repositories use the published hooks in .pre-commit-hooks.yaml, which install socialreg.
"""

from socialreg.cli import main

main(prog_name="socialreg")
