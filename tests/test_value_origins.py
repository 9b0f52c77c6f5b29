"""A finding on a Terraform value written as `var.x` or `local.x` names where the value came from
(issue 11: "says where the value came from when it came through a variable, a tfvars file or a module
argument"): the tfvars file that set it, the variable's default, the local's definition, or, for a value
a module call passed (the finding is on the caller's argument), the module's line that uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqs_kms_lint import cli

QUEUE = """resource "aws_sqs_queue" "q" {
  name                    = "q"
  sqs_managed_sse_enabled = %s
}
"""


def findings(root: Path, capsys: pytest.CaptureFixture[str], fmt: str = "json") -> object:
    cli.main(["--format", fmt, "--no-cache", "--jobs", "1", str(root)])
    out = capsys.readouterr().out
    return json.loads(out) if fmt in ("json", "sarif") else out


def sqk001(found: object) -> list[tuple[str, int, list[tuple[str, int, str]]]]:
    return [
        (f["file"], f["line"], [(r["file"], r["line"], r["message"]) for r in f["related"]])
        for f in found  # type: ignore[attr-defined]
        if f["rule"] == "SQK001"
    ]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_value_set_in_terraform_tfvars_names_its_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "main.tf").write_text('variable "sse" {\n  default = true\n}\n\n' + QUEUE % "var.sse")
    (root / "terraform.tfvars").write_text("# staging\nsse = false\n")
    assert sqk001(findings(root, capsys)) == [
        ("main.tf", 7, [("terraform.tfvars", 2, "var.sse is set here")])
    ]


def test_a_value_set_in_a_json_tfvars_file_names_its_key(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "main.tf").write_text('variable "sse" {}\n\n' + QUEUE % "var.sse")
    (root / "prod.auto.tfvars.json").write_text('{\n  "sse": false\n}\n')
    assert sqk001(findings(root, capsys)) == [
        ("main.tf", 5, [("prod.auto.tfvars.json", 2, "var.sse is set here")])
    ]


def test_a_default_names_its_line(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "variables.tf").write_text('variable "sse" {\n  type    = bool\n  default = false\n}\n')
    (root / "main.tf").write_text(QUEUE % "var.sse")
    assert sqk001(findings(root, capsys)) == [
        ("main.tf", 3, [("variables.tf", 3, "var.sse has this default")])
    ]


def test_a_local_names_its_definition(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "main.tf").write_text("locals {\n  encrypted = false\n}\n\n" + QUEUE % "local.encrypted")
    assert sqk001(findings(root, capsys)) == [
        ("main.tf", 7, [("main.tf", 2, "local.encrypted is defined here")])
    ]


def test_a_module_argument_is_the_finding_and_names_the_modules_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "queue").mkdir()
    (root / "queue" / "main.tf").write_text('variable "sse" {}\n\n' + QUEUE % "var.sse")
    (root / "main.tf").write_text('module "q" {\n  source = "./queue"\n  sse    = false\n}\n')
    found = sqk001(findings(root, capsys))
    assert (
        "main.tf",
        3,
        [("queue/main.tf", 5, "the module uses var.sse here (sqs_managed_sse_enabled)")],
    ) in found


def test_a_value_written_in_place_names_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "main.tf").write_text(QUEUE % "false")
    assert sqk001(findings(root, capsys)) == [("main.tf", 3, [])]


def test_the_text_format_shows_where_the_value_came_from(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "main.tf").write_text('variable "sse" {\n  default = true\n}\n\n' + QUEUE % "var.sse")
    (root / "terraform.tfvars").write_text("sse = false\n")
    lines = str(findings(root, capsys, "text")).splitlines()
    assert lines[0].startswith("main.tf:7:3: SQK001 [error] ")
    assert lines[1] == "    terraform.tfvars:1:1: var.sse is set here"


def test_sarif_carries_it_as_a_related_location(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "main.tf").write_text('variable "sse" {\n  default = true\n}\n\n' + QUEUE % "var.sse")
    (root / "terraform.tfvars").write_text("sse = false\n")
    log = findings(root, capsys, "sarif")
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SQK001"]  # type: ignore[index]
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "terraform.tfvars"
    assert related["physicalLocation"]["region"]["startLine"] == 1
    assert related["message"]["text"] == "var.sse is set here"
