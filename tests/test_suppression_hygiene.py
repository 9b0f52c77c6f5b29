"""Suppression hygiene (issue 11, item 6): an ignore naming no rule, or an inline ignore that suppressed
nothing in the run, is said as a note on stderr (as ruff's unused-noqa), never as a finding, and never
changes the exit code. Usage is judged over every task of the run (a local module's file is linted by
each caller), replayed from the cache, and the same whatever the number of jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqs_kms_lint import cli, discover

QUEUE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: {sse}{comment}
"""
BARE_ALIAS = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/orders{comment}
"""
METADATA = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Metadata:
      sqs-kms-lint:
        ignore: [SQK001, SQK999]
    Properties:
      SqsManagedSseEnabled: false
"""
# A value computed in the module lands there (a caller's literal would land in the caller).
INNER = """variable "sse" {
  default = "on"
}

resource "aws_sqs_queue" "q" {
  name                    = "q"
  sqs_managed_sse_enabled = var.sse == "on" # sqs-kms-lint: ignore SQK001 -- turned off on purpose by one caller
}
"""
CALLER = """module "inner" {
  source = "../inner"
  sse    = "%s"
}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    """The exit code, the notes on stderr (their text) and stdout of a run without the cache."""
    code = cli.main(["--jobs", "1", *(argv if "--cache-dir" in argv else ("--no-cache", *argv)), "."])
    out, err = capsys.readouterr()
    notes = [line.removeprefix("sqs-kms-lint: note: ") for line in err.splitlines() if " note: " in line]
    return code, notes, out


def test_an_unknown_rule_id_is_a_note(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "q.yaml").write_text(QUEUE.format(sse="true", comment="  # sqs-kms-lint: ignore SQK999"))
    assert lint(capsys)[1] == ["q.yaml:6: inline ignore names an unknown rule 'SQK999'"]


def test_an_unknown_rule_name_is_a_note_beside_a_used_one(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(
        QUEUE.format(sse="false", comment="  # sqs-kms-lint: ignore queue-unencrypted, queue-unencryptd")
    )
    assert lint(capsys)[1] == ["q.yaml:6: inline ignore names an unknown rule 'queue-unencryptd'"]


def test_a_metadata_ignore_naming_an_unknown_rule_is_a_note(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(METADATA)
    assert lint(capsys)[1] == ["q.yaml:4: Metadata ignore of resource Orders names an unknown rule 'SQK999'"]


def test_a_known_rule_that_suppressed_nothing_is_a_note(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(
        QUEUE.format(sse="true", comment="  # sqs-kms-lint: ignore SQK001, kms-key-bare-alias -- legacy")
    )
    assert lint(capsys)[1] == ["q.yaml:6: inline ignore of SQK001, kms-key-bare-alias suppressed nothing"]


def test_only_the_names_that_suppressed_nothing_are_listed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(QUEUE.format(sse="false", comment="  # sqs-kms-lint: ignore SQK001,SQK101"))
    assert lint(capsys)[1] == ["q.yaml:6: inline ignore of SQK101 suppressed nothing"]


def test_an_all_ignore_that_suppressed_nothing_is_a_note(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(QUEUE.format(sse="true", comment="  # sqs-kms-lint: ignore all"))
    assert lint(capsys)[1] == ["q.yaml:6: inline ignore of all suppressed nothing"]
    # ... unless --select or --ignore left out a rule the configuration runs: it might have suppressed it
    assert lint(capsys, "--select", "SQK001")[1] == []


def test_a_used_ignore_is_not_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "q.yaml").write_text(QUEUE.format(sse="false", comment="  # sqs-kms-lint: ignore SQK001"))
    code, notes, out = lint(capsys)
    assert (code, notes) == (0, [])
    assert "1 suppressed" in out


def test_a_used_ignore_on_the_line_above_is_not_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(
        QUEUE.format(sse="false", comment="").replace(
            "      SqsManagedSseEnabled",
            "      # sqs-kms-lint: ignore queue-unencrypted -- legacy\n      SqsManagedSseEnabled",
        )
    )
    code, notes, out = lint(capsys)
    assert (code, notes) == (0, [])
    assert "1 suppressed" in out


def test_an_ignore_of_a_rule_that_did_not_run_is_not_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(
        BARE_ALIAS.format(comment="  # sqs-kms-lint: ignore SQK101, SQK004")  # (SQK004 is opt-in)
    )
    assert lint(capsys)[1] == []
    assert lint(capsys, "--ignore", "SQK101")[1] == []
    assert lint(capsys, "--select", "SQK001")[1] == []
    # the opt-in rule turned on finds nothing to suppress on that line: now its ignore is unused
    assert lint(capsys, "--enable", "SQK004")[1] == ["q.yaml:6: inline ignore of SQK004 suppressed nothing"]


def _modules(repo: Path, *callers: tuple[str, str]) -> None:
    (repo / "inner").mkdir()
    (repo / "inner" / "main.tf").write_text(INNER)
    for folder, sse in callers:
        (repo / folder).mkdir()
        (repo / folder / "main.tf").write_text(CALLER % sse)


def test_a_module_ignore_used_through_one_caller_only_is_not_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """inner/ is linted alone and through each caller: only caller `a` turns encryption off."""
    _modules(repo, ("a", "off"), ("b", "on"))
    code, notes, out = lint(capsys)
    assert (code, notes) == (0, [])
    assert "1 suppressed" in out


def test_a_module_ignore_no_caller_used_is_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _modules(repo, ("b", "on"))
    assert lint(capsys)[1] == ["inner/main.tf:7: inline ignore of SQK001 suppressed nothing"]


def _mixed(repo: Path) -> None:
    """Notes in several files and tasks, in an order that sorting must fix."""
    _modules(repo, ("a", "on"), ("b", "on"))
    (repo / "z.yaml").write_text(QUEUE.format(sse="true", comment="  # sqs-kms-lint: ignore SQK001,nope"))
    (repo / "m.yaml").write_text(METADATA)
    (repo / "c.yaml").write_text(BARE_ALIAS.format(comment="  # sqs-kms-lint: ignore SQK001"))


MIXED_NOTES = [
    "c.yaml:6: inline ignore of SQK001 suppressed nothing",
    "inner/main.tf:7: inline ignore of SQK001 suppressed nothing",
    "m.yaml:4: Metadata ignore of resource Orders names an unknown rule 'SQK999'",
    "z.yaml:6: inline ignore names an unknown rule 'nope'",
    "z.yaml:6: inline ignore of SQK001 suppressed nothing",
]


def test_a_warm_cache_replays_the_same_notes(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _mixed(repo)
    cold = lint(capsys, "--cache-dir", str(tmp_path / "cache"))
    assert cold[1] == MIXED_NOTES
    with monkeypatch.context() as patch:

        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError("a task was parsed")

        patch.setattr(discover, "build_task", refuse)
        assert lint(capsys, "--cache-dir", str(tmp_path / "cache")) == cold


def test_jobs_do_not_change_the_notes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _mixed(repo)
    one = lint(capsys, "--jobs", "1")
    assert one[1] == MIXED_NOTES
    assert lint(capsys, "--jobs", "2") == one


def test_the_notes_leave_the_exit_code_alone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "q.yaml").write_text(BARE_ALIAS.format(comment="  # sqs-kms-lint: ignore SQK001,SQK999"))
    code, notes, _ = lint(capsys)
    assert len(notes) == 2
    (repo / "q.yaml").write_text(BARE_ALIAS.format(comment=""))
    assert lint(capsys)[0] == code == 1  # (the SQK101 warning)
    (repo / "q.yaml").write_text(BARE_ALIAS.format(comment="  # sqs-kms-lint: ignore SQK101,SQK001,x"))
    code, notes, _ = lint(capsys)
    assert (code, len(notes)) == (0, 2)


def test_a_metadata_ignore_that_suppressed_nothing_is_a_note(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "q.yaml").write_text(METADATA.replace("[SQK001, SQK999]", "[SQK001, kms-key-bare-alias]"))
    assert lint(capsys)[1] == [
        "q.yaml:4: Metadata ignore of kms-key-bare-alias in resource Orders suppressed nothing"
    ]
    (repo / "q.yaml").write_text(METADATA.replace("[SQK001, SQK999]", "[SQK001]"))
    assert lint(capsys)[1] == []  # (it suppressed the queue's SQK001)
    assert lint(capsys, "--select", "SQK101")[1] == []  # (SQK001 did not run: its ignore is not judged)
    (repo / "q.yaml").write_text(METADATA.replace("[SQK001, SQK999]", "[SQK001]").replace("false", "true"))
    assert lint(capsys)[1] == ["q.yaml:4: Metadata ignore of SQK001 in resource Orders suppressed nothing"]
