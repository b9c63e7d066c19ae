"""Coverage-guided fuzzing of the loader, the schema check and the reporters (atheris).

The block reader is fuzzed against PyYAML: whatever text it reads, PyYAML must read to the same
values with no finding, and place every value where the reader does. The index scanner is
fuzzed against the loader: for a file the loader reads as a mapping, it finds the same index
fields or none.

`make fuzz` runs it for a bounded time (FUZZ_SECONDS, default 120) from the corpus of
tests/hostile and the schema cases. Any exception, or a finding that points outside the file,
is a crash: atheris stops and writes the input to crash-<hash> in this folder's work/ folder.
Run one input again with `python tests/fuzz/fuzz_loader.py work/crash-...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from socialreg.check.schemas import SchemaSet
    from socialreg.findings import Summary, sorted_findings
    from socialreg.load import block_reader
    from socialreg.load.documents import Document, load_bytes, load_text_with_pyyaml
    from socialreg.load.index_scan import IndexScanner
    from socialreg.load.line_breaks import editor_lines
    from socialreg.load.model import INDEX_KEYS
    from socialreg.reporters import Report, reporters

SCHEMAS = SchemaSet(Path(__file__).resolve().parents[2] / "schemas")
PATH = "accounts/library/fuzzed.yaml"
KINDS = ("account", "campaign", "organization", "units", "policy")
SCANNER = IndexScanner(INDEX_KEYS)


def one_input(data: bytes) -> None:
    if not data:
        return
    kind = KINDS[data[0] % len(KINDS)]
    raw = data[1:]
    result = load_bytes(raw, PATH)
    findings = list(result.findings)
    text = raw.decode("utf-8", "replace")
    _check_the_block_reader(text)
    _check_the_index_scanner(raw, result.document)
    if result.document is not None:
        findings += SCHEMAS.check(Document(PATH, result.document.data, result.document.text), kind)
    lines = len(editor_lines(text))
    for finding in findings:
        if not (1 <= finding.line <= lines and finding.column >= 1):
            raise AssertionError(f"{finding} points outside a file of {lines} lines")
    ordered = sorted_findings(findings)
    report = Report(ordered, Summary.of(ordered, 1))
    for render in reporters().values():
        render(report).encode("utf-8")


def _check_the_block_reader(text: str) -> None:
    data = block_reader.read(text)
    if data is None:
        return
    oracle = load_text_with_pyyaml(text, PATH)
    if oracle.findings or oracle.document is None:
        raise AssertionError(f"the block reader read a text PyYAML refuses: {oracle.findings}")
    if repr(data) != repr(oracle.document.data):
        raise AssertionError(f"the block reader read {data!r}, PyYAML {oracle.document.data!r}")
    places: block_reader.Places = {}
    if block_reader.read(text, places) is not None:
        careful = Document(PATH, data, text).positions
        if places != careful:
            raise AssertionError(f"the block reader placed {places!r}, PyYAML {careful!r}")


def _check_the_index_scanner(raw: bytes, loaded: Document | None) -> None:
    scanned = SCANNER.fields_in_file(raw)
    if scanned is None or loaded is None or not isinstance(loaded.data, dict):
        return  # a file that is no record may scan: its row is read in full before it is used
    expected = {key: loaded.data[key] for key in INDEX_KEYS if key in loaded.data}
    if repr(scanned) != repr(expected):
        raise AssertionError(f"the index scanner found {scanned!r}, the loader {expected!r}")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
