"""Hostile input that must neither escape its file nor reach outside the scanned root: escaped output,
lines counted as parsers count them, encodings by BOM and content, no blocking reads, no links out."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from sqs_kms_lint import discover
from sqs_kms_lint.cli import main

UNENCRYPTED = (
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
)  # SQK001 on line 6


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    discover.take_notes()
    return tmp_path / "repo"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--fail-on", "never", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _found(capsys, *argv: str) -> set[tuple[str, str, int]]:
    code, out, _ = _run(capsys, "--format", "json", *argv)
    assert code == 0
    return {(f["rule"], f["file"], f["line"]) for f in json.loads(out) if not f["suppressed"]}


def test_control_characters_in_names_are_escaped_in_human_formats(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(UNENCRYPTED.replace("  Q:\n", '  "Q\\n::error file=x::owned\\x1b[2J":\n'))
    for fmt in ("text", "github"):
        _, out, _ = _run(capsys, "--format", fmt, ".")
        assert not any(line.startswith("::error file=x") for line in out.splitlines()), out
        assert "\x1b" not in out
        assert "SQK001" in out


def test_a_form_feed_does_not_shift_lines(repo: Path, capsys) -> None:
    (repo / "main.tf").write_text(
        "# a comment with a form feed \f here, and a line separator \u2028 there\n"
        'resource "aws_sqs_queue" "q" {\n'
        "  sqs_managed_sse_enabled = false # sqs-kms-lint: ignore SQK001 -- on purpose\n"
        "}\n"
    )
    code, out, _ = _run(capsys, "--format", "json", ".")
    (finding,) = json.loads(out)
    assert (finding["rule"], finding["line"], finding["suppressed"]) == ("SQK001", 3, True)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-16"])
def test_utf16_and_utf32_with_or_without_bom_are_read(repo: Path, capsys, encoding: str) -> None:
    (repo / "t.yaml").write_bytes(UNENCRYPTED.encode(encoding))
    assert _found(capsys, ".") == {("SQK001", "t.yaml", 6)}


def test_a_template_that_does_not_decode_gets_sqk000(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_bytes(UNENCRYPTED.encode("utf-16-le") + b"\x41")  # odd length
    (repo / "s.json").write_text('{"account": "111122223333", "queues": [')  # a truncated snapshot
    assert _found(capsys, ".") == {("SQK000", "t.yaml", 1), ("SQK000", "s.json", 1)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_template_is_not_waited_for(repo: Path) -> None:
    os.mkfifo(repo / "t.yaml")
    result: list = []
    reader = threading.Thread(target=lambda: result.append(discover.read_text(repo / "t.yaml")), daemon=True)
    reader.start()
    reader.join(5)
    assert result == [None]


def test_files_above_the_size_limit_are_skipped_with_a_note(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(UNENCRYPTED)
    (repo / "big.yaml").write_text(UNENCRYPTED + "#" * (2 << 20))
    code, out, err = _run(capsys, "--format", "json", "--max-file-size", "1", ".")
    assert {(f["rule"], f["file"]) for f in json.loads(out)} == {("SQK001", "t.yaml")}
    assert "skipped big.yaml" in err and "size limit" in err


def test_nothing_outside_the_root_is_read(repo: Path, tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "config.yaml").write_text("rules:\n  SQK001: off\n")
    (outside / "values.tfvars").write_text("sse = false\n")
    (outside / "sibling.tf").write_text(
        'resource "aws_sqs_queue" "far" {\n  sqs_managed_sse_enabled = false\n}\n'
    )
    (repo / ".sqs-kms-lint.yaml").symlink_to(outside / "config.yaml")
    (repo / "t.yaml").write_text(UNENCRYPTED)
    module = repo / "mod"
    module.mkdir()
    (module / "main.tf").write_text(
        'variable "sse" {\n  default = true\n}\nresource "aws_sqs_queue" "q" {\n'
        "  sqs_managed_sse_enabled = var.sse\n}\n"
    )
    (module / "terraform.tfvars").symlink_to(outside / "values.tfvars")
    (module / "far.tf").symlink_to(outside / "sibling.tf")
    code, out, err = _run(capsys, "--format", "json", ".", "mod/main.tf")
    found = {(f["rule"], f["file"]) for f in json.loads(out)}
    assert found == {("SQK001", "t.yaml")}  # the config was not obeyed, the tfvars and sibling not read
    assert ".sqs-kms-lint.yaml is a link out of" in err
    assert "skipped mod/terraform.tfvars" in err and "skipped mod/far.tf" in err


def test_a_module_source_through_a_link_loop_is_not_read(repo: Path, capsys) -> None:
    (repo / "loop").symlink_to(repo / "loop")
    (repo / "main.tf").write_text(
        'module "m" {\n  source = "./loop"\n}\nresource "aws_sqs_queue" "q" {\n'
        "  sqs_managed_sse_enabled = false\n}\n"
    )
    assert _found(capsys, ".") == {("SQK001", "main.tf", 5)}


def test_a_file_name_that_is_not_utf8_still_makes_valid_sarif(repo: Path, capsys) -> None:
    name = os.fsdecode(b"q\xff.yaml")
    try:
        (repo / name).write_text(UNENCRYPTED)
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses the name")
    code, out, _ = _run(capsys, "--format", "sarif", ".")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "q%FF.yaml"


def test_an_alias_bomb_configuration_and_a_device_baseline_are_usage_errors(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(UNENCRYPTED)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    (repo / ".sqs-kms-lint.yaml").write_text(bomb)
    code, _, err = _run(capsys, ".")
    assert code == 2 and "aliases" in err
    (repo / ".sqs-kms-lint.yaml").unlink()
    code, _, err = _run(capsys, "--baseline", "/dev/zero", ".")
    assert code == 2 and "not a regular file" in err


def test_a_long_minified_line_is_searched_for_ignores_once(
    repo: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqs_kms_lint import engine

    queues = {
        f"Q{i}": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": False}}
        for i in range(500)
    }
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Description": "sqs-kms-lint", "Resources": queues}
    (repo / "t.json").write_text(json.dumps(template))
    searches: list[str] = []
    pattern = engine._IGNORE

    class Counting:
        def search(self, text: str):
            searches.append(text)
            return pattern.search(text)

    monkeypatch.setattr(engine, "_IGNORE", Counting())
    code, out, _ = _run(capsys, "--format", "json", ".")
    assert len(json.loads(out)) == 500  # every queue on line 1
    assert len(searches) == 1


def test_a_variables_file_named_alone_brings_its_module(repo: Path, capsys) -> None:
    """pre-commit passes only `terraform.tfvars` when only it changed: its module is what it changes."""
    module = repo / "mod"
    module.mkdir()
    (module / "main.tf").write_text(
        'variable "sse" {\n  default = true\n}\nresource "aws_sqs_queue" "q" {\n'
        "  sqs_managed_sse_enabled = var.sse\n}\n"
    )
    (module / "terraform.tfvars").write_text("sse = false\n")
    (module / "prod.tfvars").write_text("sse = false\n")  # (only with -var-file: not loaded by itself)
    assert _found(capsys, "mod/terraform.tfvars") == {("SQK001", "mod/main.tf", 5)}
    assert _found(capsys, "mod/prod.tfvars") == set()


def test_a_raw_queue_named_alone_is_read_with_the_key_beside_it(repo: Path, capsys) -> None:
    """pre-commit passes only the staged queue document: its key document beside it still counts."""
    arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    (repo / "raw").mkdir()
    (repo / "raw" / "queue.json").write_text(
        json.dumps(
            {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/orders",
                "Attributes": {"KmsMasterKeyId": arn},
            }
        )
    )
    (repo / "raw" / "key.json").write_text(
        json.dumps(
            {
                "KeyMetadata": {
                    "KeyId": arn.rsplit("/", 1)[1],
                    "Arn": arn,
                    "AWSAccountId": "111122223333",
                    "Enabled": False,
                    "KeyState": "Disabled",
                }
            }
        )
    )
    (repo / "raw" / "template.json").write_text(
        json.dumps(
            {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {
                    "Q": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": False}}
                },
            }
        )
    )
    found = _found(capsys, "raw/queue.json")
    assert ("SQK103", "raw/queue.json") in {(rule, file) for rule, file, _ in found}
    assert not any(file == "raw/template.json" for _, file, _ in found)  # a companion template is not linted


DEEP_TERRAFORM = {
    # (module folder, main.tf): expressions tree-sitter reads whole, deeper or longer than any evaluation
    "parens": 'resource "aws_sqs_queue" "a" {\n  name = ' + "(" * 20_000 + "var.a" + ")" * 20_000 + ".b\n}\n",
    "conditionals": "locals {\n  x = " + "true ? 1 : " * 20_000 + "2\n}\n"
    'resource "aws_sqs_queue" "a" {\n  name = local.x\n}\n',
    "unary": "locals {\n  x = "
    + "!" * 50_000
    + 'true\n}\nresource "aws_sqs_queue" "a" {\n  fifo_queue = local.x\n}\n',
    "tuples": "locals {\n  x = "
    + "[" * 50_000
    + "]" * 50_000
    + '\n}\nresource "aws_sqs_queue" "a" {\n  name = local.x\n}\n',
    "sum": "locals {\n  x = " + " + ".join(["1"] * 100_000) + "\n}\n"
    'resource "aws_sqs_queue" "a" {\n  kms_master_key_id = "alias/aws/sqs"\n'
    "  kms_data_key_reuse_period_seconds = local.x\n}\n",
    "blocks": 'resource "aws_sqs_queue" "a" {\n' + "b {\n" * 5_000 + "}\n" * 5_000 + "}\n",
}


def test_deep_and_long_terraform_expressions_are_read_or_refused(repo: Path, capsys) -> None:
    for name, text in DEEP_TERRAFORM.items():
        (repo / name).mkdir()
        (repo / name / "main.tf").write_text(text)
    (repo / "t.yaml").write_text(UNENCRYPTED)
    # the blocks nested 5,000 deep are refused; every value is past the evaluation's depth (a sum of 100,000
    # ones nests its operations 100,000 deep) and so unknown: no rule speaks of it; the sound template's
    # finding is there
    assert _found(capsys, ".") == {("SQK000", "blocks/main.tf", 1), ("SQK001", "t.yaml", 6)}
