"""Every finding on the fixtures tree, whole (file, line, column, rule, message), against one snapshot:
a change that moves a column or rewords a message shows in review (ruff's snapshots).

Regenerate with `python tests/test_snapshot.py` and read the diff before committing it."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: regenerate
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "tests"

from sqs_kms_lint.config import settings_from
from sqs_kms_lint.discover import build_units, collect, read_text
from sqs_kms_lint.engine import SourceLines, deduplicated, run

from .conftest import FIXTURES, ROOT, lint_file
from .test_fixtures import _fixture_files

SNAPSHOT = Path(__file__).parent / "snapshots" / "fixture-findings.txt"


def _scenario_findings(scenario: Path) -> list[str]:
    entry = scenario / "root" if (scenario / "root").is_dir() else scenario
    files = collect([str(entry.relative_to(ROOT))])
    source = SourceLines(lambda shown: read_text(ROOT / shown))
    findings = [f for u in build_units(files) for f in run(u, settings_from({}), source)]
    return [_line(f) for f in deduplicated(findings, source)]


def _line(finding) -> str:
    span = finding.span
    shown = Path(span.file).as_posix()
    suppressed = " [suppressed]" if finding.suppressed else ""
    return f"{shown}:{span.line}:{span.column}: {finding.code}{suppressed} {finding.message}"


def current() -> str:
    lines = []
    for path in _fixture_files():
        shown = path.relative_to(ROOT).as_posix()
        for finding in lint_file(path):
            lines.append(_line(finding).replace(f"{finding.span.file}:", f"{shown}:", 1))
    for scenario in sorted(p for p in (FIXTURES / "scenarios").iterdir() if p.is_dir()):
        lines.extend(_scenario_findings(scenario))
    return "\n".join(lines) + "\n"


def test_fixture_findings_match_the_snapshot(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert current() == SNAPSHOT.read_text("utf-8"), "run `python tests/test_snapshot.py` and review the diff"


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    SNAPSHOT.write_text(current(), "utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
