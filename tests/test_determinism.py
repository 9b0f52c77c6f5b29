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


def test_the_largest_tasks_go_first_and_the_report_keeps_its_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """Workers are given the largest tasks first (a big file begun last would leave one worker alone at
    the end); the report is still in the tasks' own order."""
    import concurrent.futures

    (tmp_path / ".git").mkdir()
    queue = "  Q{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
    for name, count in (("a.yaml", 1), ("b.yaml", 40), ("c.yaml", 3), ("d.yaml", 12)):
        (tmp_path / name).write_text("Resources:\n" + "".join(queue.format(i=i) for i in range(count)))
    given: list[str] = []

    class Pool:  # (in this process, recording the order tasks are handed out in)
        def __init__(self, max_workers: int, mp_context: object) -> None:
            pass

        def __enter__(self) -> Pool:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def map(self, function, tasks, chunksize: int = 1):
            given.extend(task.sources[0].shown for task in tasks)
            return [function(task) for task in tasks]

    monkeypatch.chdir(tmp_path)
    one = _run("--no-cache", "--format", "json", "--jobs", "1", ".")
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    assert _run("--no-cache", "--format", "json", "--jobs", "2", ".") == one
    assert given == ["b.yaml", "d.yaml", "c.yaml", "a.yaml"]
