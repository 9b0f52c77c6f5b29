"""SQK303 on Terraform modules whose key is an optional input (as the public SQS modules are written):
silent with the module's defaults and for a caller that passes no period, reported for a caller or a
tfvars file that passes a period and no key (on the caller's argument)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqs_kms_lint.cli import main

MODULE = """variable "kms_key" {
  type    = string
  default = null
}

variable "reuse_period" {
  type    = number
  default = 300
}

resource "aws_sqs_queue" "this" {
  name                              = "q"
  kms_master_key_id                 = var.kms_key
  kms_data_key_reuse_period_seconds = var.reuse_period
}
"""


def _found(capsys: pytest.CaptureFixture[str], *paths: str) -> set[tuple[str, str, int]]:
    main(["--no-cache", "--jobs", "1", "--format", "json", "--fail-on", "never", *paths])
    return {(f["rule"], f["file"], f["line"]) for f in json.loads(capsys.readouterr().out)}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "modules" / "queue").mkdir(parents=True)
    (tmp_path / "modules" / "queue" / "main.tf").write_text(MODULE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_module_alone_and_a_caller_without_a_period_are_silent(repo: Path, capsys) -> None:
    (repo / "root").mkdir()
    (repo / "root" / "main.tf").write_text('module "q" {\n  source = "../modules/queue"\n}\n')
    assert _found(capsys, ".") == set()


def test_a_caller_that_passes_a_period_and_no_key_is_reported(repo: Path, capsys) -> None:
    (repo / "root").mkdir()
    (repo / "root" / "main.tf").write_text(
        'module "q" {\n  source       = "../modules/queue"\n  reuse_period = 900\n}\n'
    )
    assert _found(capsys, ".") == {("SQK303", "root/main.tf", 3)}


def test_a_tfvars_period_without_a_key_is_reported(repo: Path, capsys) -> None:
    (repo / "modules" / "queue" / "terraform.tfvars").write_text("reuse_period = 600\n")
    assert _found(capsys, ".") == {("SQK303", "modules/queue/main.tf", 14)}


def test_a_literal_period_beside_no_key_attribute_is_still_reported(repo: Path, capsys) -> None:
    (repo / "modules" / "queue" / "main.tf").write_text(
        MODULE.replace("  kms_master_key_id                 = var.kms_key\n", "")
    )
    assert _found(capsys, ".") == {("SQK303", "modules/queue/main.tf", 13)}
