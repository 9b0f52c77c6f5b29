"""SARIF of the whole fixtures tree: valid 2.1.0, what GitHub needs, deterministic, line-independent ids."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from sqs_kms_lint.cli import main
from sqs_kms_lint.engine import all_rules

from .conftest import ROOT

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def _sarif(capsys, *paths: str) -> str:
    main(["--format", "sarif", *paths])
    return capsys.readouterr().out


@pytest.fixture()
def fixtures_sarif(capsys, monkeypatch) -> str:
    monkeypatch.chdir(ROOT)
    return _sarif(capsys, "fixtures")


def test_fixtures_sarif_validates_against_the_2_1_0_schema(fixtures_sarif: str) -> None:
    log = json.loads(fixtures_sarif)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    # Every rule that is on without configuration shows up (SQK304 needs max-reuse-period).
    assert {r["ruleId"] for r in results} == {r.code for r in all_rules() if not r.opt_in} - {"SQK304"}


def test_rules_carry_what_github_shows(fixtures_sarif: str) -> None:
    rules = json.loads(fixtures_sarif)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.code for r in all_rules())
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"].count("## ") >= 6
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert "security" in rule["properties"]["tags"]
        assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
        assert rule["properties"]["precision"] in ("very-high", "high", "medium", "low")


def test_results_use_relative_uris_and_fingerprints(fixtures_sarif: str) -> None:
    for result in json.loads(fixtures_sarif)["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("fixtures/")
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["sqsKmsLint/v1"]


def test_sarif_is_byte_identical_between_runs(capsys, monkeypatch, fixtures_sarif: str) -> None:
    assert _sarif(capsys, "fixtures") == fixtures_sarif
    assert "Time" not in fixtures_sarif and "time" not in json.loads(fixtures_sarif)["runs"][0]


def test_fingerprints_survive_moved_lines(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = (ROOT / "fixtures" / "SQK103" / "bad.yaml").read_text("utf-8")
    Path("t.yaml").write_text(source)
    before = json.loads(_sarif(capsys, "t.yaml"))["runs"][0]["results"]
    Path("t.yaml").write_text("# moved\n# down\n" + source)
    after = json.loads(_sarif(capsys, "t.yaml"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    ]


def test_related_locations_point_at_the_key(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    results = json.loads(_sarif(capsys, "fixtures/SQK103/bad.yaml"))["runs"][0]["results"]
    assert results and all(r["relatedLocations"][0]["message"]["text"] for r in results)


MULTITOOL = os.environ.get("SARIF_MULTITOOL")


@pytest.mark.skipif(
    not MULTITOOL, reason="set SARIF_MULTITOOL to the Sarif.Multitool binary to run GitHub's rules"
)
def test_github_ingestion_rules_report_no_error_or_warning(tmp_path: Path, fixtures_sarif: str) -> None:
    log = tmp_path / "in.sarif"
    log.write_text(fixtures_sarif)
    out = tmp_path / "out.sarif"
    subprocess.run(
        [
            MULTITOOL,
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--level",
            "Error;Warning",
            str(log),
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    problems = json.loads(out.read_text())["runs"][0].get("results", [])
    assert problems == []
    shutil.rmtree(tmp_path, ignore_errors=True)


SENDER_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Key:
    Type: AWS::KMS::Key
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !GetAtt Key.Arn
  Subscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: sqs
      TopicArn: !Ref Topic
      Endpoint: !GetAtt Queue.Arn
"""


def test_sqk203_shows_the_sender_as_a_related_location(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text(SENDER_TEMPLATE)
    results = json.loads(_sarif(capsys, "t.yaml"))["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] == "SQK203"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6  # the key (default policy)
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == 12  # the subscription
    assert "sns.amazonaws.com" in related["message"]["text"]
