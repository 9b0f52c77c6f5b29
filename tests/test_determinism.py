"""The same input gives the same bytes: two runs over a spread of fixtures (senders, modules, plans, snapshots), in every output format."""

from __future__ import annotations

import contextlib
import io

import pytest
from sqs_kms_lint.cli import main
from sqs_kms_lint.output import FORMATS

from .conftest import ROOT


def _run(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["--fail-on", "never", *argv])
    return out.getvalue()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_two_runs_give_the_same_bytes(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    paths = ("fixtures/scenarios", "fixtures/demo", "fixtures/SQK203", "fixtures/SQK501", "fixtures/SQK206")
    first = _run("--format", fmt, *paths)
    assert first and first == _run("--format", fmt, *paths)


def test_jobs_do_not_change_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    paths = ("fixtures/scenarios", "fixtures/SQK203", "fixtures/SQK501", "fixtures/SQK000")
    one = _run("--format", "sarif", "--jobs", "1", *paths)
    assert one and one == _run("--format", "sarif", "--jobs", "2", *paths)
