"""Multi-file scenarios (fixtures/scenarios/NAME/): linted as the CLI lints a directory; every file's
`# expect:` marks (or `.expect` sidecars) together must equal the (file, rule, line) set found."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqs_kms_lint.config import settings_from
from sqs_kms_lint.discover import build_units, collect, read_text
from sqs_kms_lint.engine import SourceLines, run

from .conftest import FIXTURES, ROOT, expected_findings

SCENARIOS = sorted(p for p in (FIXTURES / "scenarios").iterdir() if p.is_dir())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_scenario(scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    entry = scenario / "root" if (scenario / "root").is_dir() else scenario
    files = collect([str(entry.relative_to(ROOT))])
    units = build_units(files)
    source = SourceLines(lambda shown: read_text(ROOT / shown))
    found = {(f.span.file, f.code, f.span.line) for u in units for f in run(u, settings_from({}), source)}
    expected = {
        (path.relative_to(ROOT).as_posix(), code, line)
        for path in sorted(scenario.rglob("*"))
        if path.is_file() and path.suffix in (".tf", ".yaml", ".json")
        for code, line in expected_findings(path)
    }
    assert found == expected
