"""Odd, broken and hostile inputs: a finding or silence, never a traceback, never the other files lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqs_kms_lint.cli import main

HEADER = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'


def _queue(properties: str, extra: str = "") -> str:
    return HEADER + extra + "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n" + properties


def _findings(capsys, *argv: str) -> tuple[int, set[tuple[str, int]], str]:
    code = main(["--format", "json", "--fail-on", "never", *argv])
    out, err = capsys.readouterr()
    found = {(f["rule"], f["line"]) for f in json.loads(out) if not f["suppressed"]} if out else set()
    return code, found, err


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "self-referencing alias name",
            HEADER
            + "  A:\n    Type: AWS::KMS::Alias\n    Properties: {AliasName: !Ref A, TargetKeyId: !Ref K}\n"
            "  K:\n    Type: AWS::KMS::Key\n",
            set(),
        ),
        (
            "queue name from itself",
            _queue("      QueueName: !GetAtt Q.QueueName\n      FifoQueue: true\n"),
            {("SQK501", 7)},
        ),
        ("select at infinity", _queue("      KmsMasterKeyId: !Select [.inf, [a, b]]\n"), set()),
        ("deeply nested JSON string", _queue("      RedrivePolicy: '" + "[" * 50000 + "'\n"), set()),
        (
            "huge integer",
            _queue(
                "      KmsMasterKeyId: alias/aws/sqs\n      KmsDataKeyReusePeriodSeconds: '"
                + "9" * 5000
                + "'\n"
            ),
            {("SQK302", 7)},
        ),
        (
            "alias name with the region in it",
            _queue("      KmsMasterKeyId: !Sub 'alias/${AWS::Region}-orders'\n"),
            set(),
        ),
        (
            "dynamic reference built with Sub",
            _queue("      KmsMasterKeyId: !Sub '{{resolve:ssm:/org/${AWS::Region}/kms}}'\n"),
            set(),
        ),
        (
            "nested stack output",
            _queue(
                "      KmsMasterKeyId: alias/aws/sqs\n      KmsDataKeyReusePeriodSeconds: !GetAtt Settings.Outputs.Period\n",
                "  Settings:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: x}\n",
            ),
            set(),
        ),
        (
            "eusc partition key ARN",
            _queue(
                "      KmsMasterKeyId: arn:aws-eusc:kms:eusc-de-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n"
            ),
            set(),
        ),
        ("null key is empty", _queue("      KmsMasterKeyId:\n"), {("SQK002", 6)}),
        ("Resources as a list", 'AWSTemplateFormatVersion: "2010-09-09"\nResources: [1, 2]\n', set()),
        ("properties as a string", HEADER + "  Q:\n    Type: AWS::SQS::Queue\n    Properties: nope\n", set()),
        (
            "metadata ignores in every spelling",
            HEADER
            + "".join(
                f"  Q{i}:\n    Type: AWS::SQS::Queue\n    Metadata:\n      sqs-kms-lint: {{ignore: {spelling}}}\n"
                "    Properties:\n      KmsMasterKeyId: alias/x\n"
                for i, spelling in enumerate(
                    [
                        "[sqk101]",
                        "all",
                        "'SQK101, kms-key-bare-alias'",
                        "{SQK101: true}",
                        "[kms-key-bare-alias]",
                    ]
                )
            ),
            set(),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)
def test_odd_templates(repo: Path, capsys, name: str, text: str, expected: set) -> None:
    (repo / "t.yaml").write_text(text)
    code, found, err = _findings(capsys, "t.yaml")
    assert (code, err) == (0, "")
    assert found == expected


def test_a_suppression_comment_full_of_spaces_is_parsed_quickly(repo: Path, capsys) -> None:
    text = _queue("      # sqs-kms-lint: ignore SQK101" + " " * 5000 + "!\n      KmsMasterKeyId: alias/x\n")
    (repo / "t.yaml").write_text(text)
    assert _findings(capsys, "t.yaml")[1] == set()  # what follows the names is not read


def test_lone_surrogates_and_utf16(repo: Path, capsys) -> None:
    (repo / "s.json").write_text(
        '{"Resources": {"Q\\udc00": {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": "bad\\ud800"}}}}'
    )
    (repo / "u.yaml").write_bytes(_queue("      KmsMasterKeyId: alias/y\n").encode("utf-16"))
    assert main(["--fail-on", "never"]) == 0
    out = capsys.readouterr().out
    assert "s.json:1:" in out and "SQK102" in out and "u.yaml:6:7: SQK101" in out


def test_walk_survives_bad_gitignore_symlink_loops_fifos_and_unreadable_dirs(repo: Path, capsys) -> None:
    (repo / ".gitignore").write_text("!\nignored.yaml\n")
    (repo / "ignored.yaml").write_text(_queue("      KmsMasterKeyId: alias/x\n"))
    (repo / "kept.yaml").write_text(_queue("      KmsMasterKeyId: alias/x\n"))
    os.symlink(repo / "b.yaml", repo / "a.yaml")
    os.symlink(repo / "a.yaml", repo / "b.yaml")
    os.mkfifo(repo / "pipe.yaml")
    code, found, _ = _findings(capsys, ".")
    assert code == 0 and found == {("SQK101", 6)}


def test_odd_pyproject_and_unwritable_output(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text('tool = "x"\n')
    (repo / "t.yaml").write_text(_queue("      KmsMasterKeyId: alias/x\n"))
    assert main([]) == 1
    capsys.readouterr()
    # (a missing directory would be created; a file cannot be one)
    assert main(["--output", "t.yaml/report.txt"]) == 2
    assert "cannot write t.yaml/report.txt" in capsys.readouterr().err
    (repo / ".sqs-kms-lint.yaml").write_text("exclude: ['!']\n")
    assert main([]) == 2
    assert "exclude" in capsys.readouterr().err


def test_snapshot_regions_are_respected(repo: Path, capsys) -> None:
    key = "1234abcd-12ab-34cd-56ef-1234567890ab"
    snapshot = {
        "account": "111122223333",
        "region": "us-east-1",
        "queues": [
            {"QueueArn": "arn:aws:sqs:eu-west-1:111122223333:a", "Attributes": {"KmsMasterKeyId": key}},
            {
                "QueueArn": "arn:aws:sqs:eu-west-1:111122223333:b",
                "Attributes": {"KmsMasterKeyId": f"arn:aws:kms:eu-west-1:111122223333:key/{key}"},
            },
        ],
        "keys": [
            {
                "KeyMetadata": {
                    "KeyId": key,
                    "Arn": f"arn:aws:kms:us-east-1:111122223333:key/{key}",
                    "KeyState": "Disabled",
                }
            }
        ],
    }
    (repo / "snap.json").write_text(json.dumps(snapshot, indent=2))
    assert _findings(capsys, "snap.json")[1] == set()
