"""--show-files: every file the run looked at, read as what or skipped why, on stderr, by path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqs_kms_lint import discover
from sqs_kms_lint.cli import main

TEMPLATE = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n'
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _tree(repo: Path) -> None:
    """One of each kind of input, and of each reason to skip a file."""
    files = {
        "stacks/queues.yaml": TEMPLATE,
        "stacks/cdk.template.json": json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}),
        "stacks/broken.yaml": TEMPLATE + "  X: [\n",
        "stacks/mkdocs.yml": "nav: [a, b]\n",
        "raw/queue.json": json.dumps({"QueueArn": "arn:aws:sqs:us-east-1:111122223333:q", "Attributes": {}}),
        "raw/key.json": json.dumps({"KeyMetadata": {"KeyId": KEY_ARN.rsplit("/")[-1], "Arn": KEY_ARN}}),
        "raw/package.json": json.dumps({"name": "x", "version": "1.0.0"}),
        "snapshot.json": json.dumps({"account": "111122223333", "region": "us-east-1", "queues": []}),
        "plan.json": json.dumps({"format_version": "1.2", "planned_values": {"root_module": {}}}),
        "live/main.tf": 'module "q" {\n  source = "../modules/queue"\n}\n',
        "live/extra.tf.json": json.dumps({"locals": {"a": 1}}),
        "live/terraform.tfvars": "a = 1\n",
        "live/prod.tfvars": "a = 2\n",
        "modules/queue/main.tf": 'resource "aws_sqs_queue" "this" {}\n',
        "legacy/old.yaml": TEMPLATE,
        "node_modules/pkg/t.yaml": TEMPLATE,
        "build/out.yaml": TEMPLATE,
        ".gitignore": "build/\n",
        ".sqs-kms-lint.yaml": "exclude: ['legacy/']\n",
        "README.md": "# infra\n",
        "big.yaml": TEMPLATE + "#" * (1 << 20) + "\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    (repo / "stacks" / "binary.json").write_bytes(b"\xff\xfe\xfd\x00\x01")
    (repo / ".git").mkdir()
    outside = repo.parent / "outside"
    outside.mkdir()
    (outside / "t.yaml").write_text(TEMPLATE)
    os.symlink(outside / "t.yaml", repo / "link.yaml")
    os.symlink(outside, repo / "linked-dir")
    os.mkfifo(repo / "fifo.yaml")


EXPECTED = """\
skipped .git/: never walked (nor are .git, .terraform and node_modules anywhere)
skipped .gitignore: not a .yaml, .yml, .template, .json or .tf file
read    .sqs-kms-lint.yaml: configuration
skipped README.md: not a .yaml, .yml, .template, .json or .tf file
skipped big.yaml: 1.0 MB is above the size limit of 1.0 MB (--max-file-size)
skipped build/: ignored by .gitignore
skipped fifo.yaml: not a regular file
skipped legacy/: excluded by the configuration's exclude
skipped link.yaml: a link out of .
skipped linked-dir/: a link to a directory (never followed)
read    live/extra.tf.json: Terraform JSON (.tf.json), module live
read    live/main.tf: Terraform HCL, module live
skipped live/prod.tfvars: -var-file variables (Terraform loads only terraform.tfvars and *.auto.tfvars by itself)
read    live/terraform.tfvars: Terraform variables, module live
read    modules/queue/main.tf: Terraform HCL, module modules/queue, called by live
skipped node_modules/: never walked (nor are .git, .terraform and node_modules anywhere)
read    plan.json: Terraform plan JSON
read    raw/key.json: raw AWS JSON (describe-key), one unit with the raw documents beside it
skipped raw/package.json: JSON that is not a CloudFormation template, a Terraform plan or an AWS document
read    raw/queue.json: raw AWS JSON (queue attributes), one unit with the raw documents beside it
read    snapshot.json: raw AWS JSON (snapshot)
skipped stacks/binary.json: not text (UTF-8, UTF-16 or UTF-32), and nothing in it is meant for AWS
failed  stacks/broken.yaml: does not parse (SQK000 at line 6)
read    stacks/cdk.template.json: CloudFormation template (JSON)
skipped stacks/mkdocs.yml: not a CloudFormation template (no AWSTemplateFormatVersion, no resource of an AWS:: type)
read    stacks/queues.yaml: CloudFormation template (YAML)
"""
NOTES = """\
sqs-kms-lint: note: skipped link.yaml: a link out of .
sqs-kms-lint: note: skipped big.yaml: 1.0 MB is above the size limit of 1.0 MB (--max-file-size)
"""


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    (tmp_path / "repo").mkdir()
    _tree(tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    discover.take_notes()
    return tmp_path / "repo"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--fail-on", "never", "--max-file-size", "1", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_file_looked_at_is_listed_with_what_it_was_read_as_or_why_not(
    repo: Path, capsys, jobs: str
) -> None:
    code, out, err = _run(capsys, "--show-files", "--jobs", jobs)
    assert code == 0
    assert err == EXPECTED + NOTES
    assert out.endswith("in 10 files checked.\n")  # the report is the same as without --show-files


def test_without_show_files_only_the_notes_are_said(repo: Path, capsys) -> None:
    code, _, err = _run(capsys)
    assert (code, err) == (0, NOTES)


def test_files_named_on_the_command_line(repo: Path, capsys) -> None:
    code, _, err = _run(capsys, "--show-files", "legacy/old.yaml", "live/terraform.tfvars", "raw/queue.json")
    assert code == 0
    assert err == (
        "read    .sqs-kms-lint.yaml: configuration\n"
        "skipped legacy/old.yaml: excluded by the configuration's exclude\n"
        "read    live/extra.tf.json: Terraform JSON (.tf.json), module live\n"
        "read    live/main.tf: Terraform HCL, module live\n"
        "read    live/terraform.tfvars: Terraform variables, module live\n"
        "read    modules/queue/main.tf: Terraform HCL, module modules/queue, called by live\n"
        "read    raw/key.json: raw AWS JSON (describe-key), beside a JSON file named on the command line\n"
        "read    raw/queue.json: raw AWS JSON (queue attributes), one unit with the raw documents beside it\n"
    )


def test_a_baseline_is_listed_as_read(repo: Path, capsys) -> None:
    assert _run(capsys, "--write-baseline", "baseline.json", "stacks")[0] == 0
    _, _, err = _run(capsys, "--show-files", "--baseline", "baseline.json", "stacks")
    assert "read    baseline.json: baseline (--baseline)\n" in err.splitlines(keepends=True)
    assert "read    stacks/queues.yaml: CloudFormation template (YAML)\n" in err.splitlines(keepends=True)


def test_variables_without_a_module_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("terraform.tfvars").write_text("a = 1\n")
    Path("x.auto.tfvars.json").write_text('{"a": 1}\n')
    code, _, err = _run(capsys, "--show-files")
    assert (code, err) == (
        0,
        "skipped terraform.tfvars: Terraform variables, read only with a module in their directory (none was read)\n"
        "skipped x.auto.tfvars.json: Terraform variables, read only with a module in their directory (none was read)\n",
    )
