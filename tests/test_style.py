"""The habits CI enforces: ruff (lint and format) on everything, mypy on linter/ and rules/."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_and_format() -> None:
    lint = _run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _run("ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_on_linter() -> None:
    done = _run("mypy", "linter", "rules")
    assert done.returncode == 0, done.stdout + done.stderr
