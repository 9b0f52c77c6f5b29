"""The cache of task results (linter/cache.py): a re-run over unchanged files parses nothing and reports
the same bytes; any change to what a task read (a file, a tfvars file or local module appearing, the
settings, the tool's code) lints it afresh; a broken or unwritable cache is no cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqs_kms_lint import cache, cli, discover

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: {sse}
"""
MODULE = """variable "sse" {
  default = true
}

resource "aws_sqs_queue" "q" {
  name                    = "q"
  sqs_managed_sse_enabled = var.sse
}

module "inner" {
  source = "../inner"
}
"""
INNER = """resource "aws_sqs_queue" "inner" {
  name                    = "inner"
  sqs_managed_sse_enabled = %s
}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "cfn").mkdir()
    (root / "cfn" / "queue.yaml").write_text(TEMPLATE.format(sse="true"))
    (root / "tf").mkdir()
    (root / "tf" / "main.tf").write_text(MODULE)
    (root / "inner").mkdir()
    (root / "inner" / "main.tf").write_text(INNER % "true")
    monkeypatch.chdir(root)
    return root


def lint(cache_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[set, str]:
    code = cli.main(["--format", "json", "--jobs", "1", "--cache-dir", str(cache_dir), *extra, "."])
    out = capsys.readouterr().out
    return {(f["rule"], f["file"], f["line"]) for f in json.loads(out)} | {("exit", code)}, out


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a task was parsed")

    monkeypatch.setattr(discover, "build_task", refuse)


def test_a_rerun_over_unchanged_files_parses_nothing_and_says_the_same(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "cfn" / "queue.yaml").write_text(TEMPLATE.format(sse="false"))
    first, first_out = lint(tmp_path / "c", capsys)
    assert ("SQK001", "cfn/queue.yaml", 6) in first
    with monkeypatch.context() as patch:
        no_parsing(patch)
        again, again_out = lint(tmp_path / "c", capsys)
    assert again_out == first_out
    for format_name in ("text", "sarif", "github", "junit", "gitlab"):
        cli.main(["--format", format_name, "--jobs", "1", "--cache-dir", str(tmp_path / "c"), "."])
        warm = capsys.readouterr().out
        cli.main(["--format", format_name, "--jobs", "1", "--no-cache", "."])
        assert warm == capsys.readouterr().out, format_name


def test_an_edited_file_is_linted_afresh(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, _ = lint(tmp_path / "c", capsys)
    assert ("SQK001", "cfn/queue.yaml", 6) not in before
    (repo / "cfn" / "queue.yaml").write_text(TEMPLATE.format(sse="false"))
    after, _ = lint(tmp_path / "c", capsys)
    assert ("SQK001", "cfn/queue.yaml", 6) in after


def test_a_tfvars_file_that_appears_beside_a_module_is_read(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, _ = lint(tmp_path / "c", capsys)
    assert not any(rule == "SQK001" and path == "tf/main.tf" for rule, path, *_ in before)
    (repo / "tf" / "terraform.tfvars").write_text("sse = false\n")
    after, _ = lint(tmp_path / "c", capsys)
    assert ("SQK001", "tf/main.tf", 7) in after


def test_an_edited_local_module_is_read_again(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lint(tmp_path / "c", capsys)
    (repo / "inner" / "main.tf").write_text(INNER % "false")
    # only the module that calls it is linted: the one read through `source = "../inner"` must change
    monkeypatch.chdir(repo / "tf")
    code = cli.main(["--format", "json", "--jobs", "1", "--cache-dir", str(tmp_path / "c"), "."])
    found = {(f["rule"], f["file"], f["line"]) for f in json.loads(capsys.readouterr().out)}
    assert code == 1 and ("SQK001", "inner/main.tf", 3) in found


def test_a_local_module_that_appears_later_is_read(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "inner" / "main.tf").unlink()
    (repo / "inner").rmdir()
    monkeypatch.chdir(repo / "tf")
    lint(tmp_path / "c", capsys)
    (repo / "inner").mkdir()
    (repo / "inner" / "main.tf").write_text(INNER % "false")
    found, _ = lint(tmp_path / "c", capsys)
    assert ("SQK001", "inner/main.tf", 3) in found


def test_other_settings_are_another_cache_key(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "cfn" / "queue.yaml").write_text(TEMPLATE.format(sse="false"))
    before, _ = lint(tmp_path / "c", capsys)
    assert ("SQK001", "cfn/queue.yaml", 6) in before
    after, _ = lint(tmp_path / "c", capsys, "--ignore", "SQK001")
    assert ("SQK001", "cfn/queue.yaml", 6) not in after


def test_no_cache_neither_reads_nor_writes(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["--format", "json", "--jobs", "1", "--no-cache", "--cache-dir", str(tmp_path / "c"), "."])
    capsys.readouterr()
    assert not (tmp_path / "c").exists()


def test_a_corrupt_entry_is_no_entry(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "cfn" / "queue.yaml").write_text(TEMPLATE.format(sse="false"))
    first, _ = lint(tmp_path / "c", capsys)
    entries = sorted((tmp_path / "c").rglob("*.json"))
    assert entries
    for entry in entries:
        entry.write_text('{"inputs": [], "findings": [{"bad": 1}]')
    again, _ = lint(tmp_path / "c", capsys)
    assert again == first


def test_an_unwritable_cache_is_no_cache(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("not a directory")
    (repo / "cfn" / "queue.yaml").write_text(TEMPLATE.format(sse="false"))
    found, _ = lint(tmp_path / "file" / "c", capsys)
    assert ("SQK001", "cfn/queue.yaml", 6) in found


def test_the_tools_own_code_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqs_kms_lint.engine import Settings

    before = cache.context_digest(Settings(), 1)
    cache.code_digest.cache_clear()
    monkeypatch.setattr(cache, "__version__", "99.0")
    try:
        assert cache.context_digest(Settings(), 1) != before
    finally:
        cache.code_digest.cache_clear()
    assert cache.context_digest(Settings(), 2) != cache.context_digest(Settings(), 1)
