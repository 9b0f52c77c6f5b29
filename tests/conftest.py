from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from sqs_kms_lint.config import load, settings_from
from sqs_kms_lint.discover import SourceFile, build_units, read_text
from sqs_kms_lint.engine import Finding, SourceLines, run

# The CLI keeps results between runs (linter/cache.py): the tests' runs, in process and in subprocesses,
# keep theirs in a folder of their own, not in the user's cache.
os.environ.setdefault("SQS_KMS_LINT_CACHE_DIR", tempfile.mkdtemp(prefix="sqs-kms-lint-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
_MARK = re.compile(r"#\s*expect:\s*(SQK\d{3}(?:\s*,\s*SQK\d{3})*)")
_SIDECAR_LINE = re.compile(r"^\s*(\d+)\s+(SQK\d{3})\s*$")


def expected_findings(path: Path) -> set[tuple[str, int]]:
    """(rule, line) pairs a fixture declares: `# expect:` marks, and a `.expect` sidecar (JSON has no
    comments; a line that cannot carry one, like a heredoc's opening, needs it too)."""
    expected: set[tuple[str, int]] = set()
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        for text in sidecar.read_text("utf-8").splitlines():
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            match = _SIDECAR_LINE.match(text)
            assert match, f"{sidecar}: bad line {text!r} (want 'LINE RULE')"
            expected.add((match.group(2), int(match.group(1))))
    if path.suffix == ".json":
        return expected
    for number, text in enumerate(path.read_text("utf-8").splitlines(), start=1):
        match = _MARK.search(text)
        if match:
            expected.update((code.strip(), number) for code in match.group(1).split(","))
    return expected


def lint_file(path: Path, config_dir: Path | None = None) -> list[Finding]:
    """Lint one file alone, as `sqs-kms-lint FILE` does, with the folder's .sqs-kms-lint.yaml if any."""
    data, source = load(config_dir or path.parent)
    settings = settings_from(data, source)
    shown = path.relative_to(ROOT).as_posix()
    units = build_units([(SourceFile(path, shown), False)], settings.account_id, whole_modules=False)
    comments = SourceLines(lambda _: read_text(path))
    return [f for unit in units for f in run(unit, settings, comments)]
