"""--baseline: what it hides is said on stderr, SARIF keeps it as baselineState "unchanged" (the new ones
"new"), every other format drops it, and only new findings count for the exit code."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from sqs_kms_lint.cli import main

from .test_sarif import SCHEMA

TWO_QUEUES = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Plain:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
  Aliased:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/orders
"""  # SQK001 on line 6, SQK101 on line 10
NEW_QUEUE = """\
  Added:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/payments
"""  # SQK101 on line 14


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    """A legacy repository with a baseline of its two findings, and one new finding since."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(TWO_QUEUES)
    assert main(["--write-baseline", "baseline.json", "--format", "json", "-o", "before.json"]) == 1
    capsys.readouterr()
    (tmp_path / "t.yaml").write_text(TWO_QUEUES + NEW_QUEUE)
    return tmp_path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--baseline", "baseline.json", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_reports_the_new_finding_and_stderr_says_what_the_baseline_hid(repo: Path, capsys) -> None:
    code, out, err = _run(capsys)
    assert code == 1
    assert out.splitlines() == [
        "t.yaml:14:7: SQK101 [warning] queue 'Added' names its key by the alias name 'alias/payments': it "
        "resolves in the caller's account and region and breaks when the alias moves; use the key ARN or the "
        "alias ARN (kms-key-bare-alias)",
        "1 finding (1 warning) in 1 file checked.",
    ]
    assert (
        err == "sqs-kms-lint: baseline baseline.json: 2 findings hidden; 0 of 2 entries matched no finding\n"
    )
    assert _run(capsys, "--quiet")[2] == ""  # (no summary, on either stream)


def test_entries_that_match_nothing_any_more_are_counted(repo: Path, capsys) -> None:
    (repo / "t.yaml").write_text(
        TWO_QUEUES.replace("SqsManagedSseEnabled: false", "SqsManagedSseEnabled: true")
    )
    code, out, err = _run(capsys)
    assert (code, out) == (0, "0 findings in 1 file checked.\n")
    assert err == (
        "sqs-kms-lint: baseline baseline.json: 1 finding hidden; 1 of 2 entries matched no finding "
        "(fixed or edited since; --write-baseline refreshes it)\n"
    )


def test_only_new_findings_count_for_the_exit_code(repo: Path, capsys) -> None:
    # the baselined SQK001 is an error, the new SQK101 a warning
    assert _run(capsys, "--fail-on", "error")[0] == 0
    assert main(["--fail-on", "error"]) == 1  # without the baseline, the old error fails the run
    capsys.readouterr()


def test_sarif_keeps_baselined_results_as_unchanged(repo: Path, capsys) -> None:
    code, out, _ = _run(capsys, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["baselineState"])
        for r in results
    ] == [("SQK001", 6, "unchanged"), ("SQK101", 10, "unchanged"), ("SQK101", 14, "new")]
    recorded = json.loads((repo / "baseline.json").read_text())["fingerprints"]
    assert sorted(r["partialFingerprints"]["sqsKmsLint/v1"] for r in results[:2]) == recorded
    # without a baseline, no result claims a state
    main(["--format", "sarif"])
    assert all("baselineState" not in r for r in json.loads(capsys.readouterr().out)["runs"][0]["results"])


def test_every_other_format_drops_baselined_findings(repo: Path, capsys) -> None:
    _run(
        capsys,
        "-f",
        "json:r.json",
        "-f",
        "github:r.txt",
        "-f",
        "gitlab:r.gitlab.json",
        "-f",
        "junit:r.xml",
    )
    assert [(f["rule"], f["line"]) for f in json.loads(Path("r.json").read_text())] == [("SQK101", 14)]
    assert [line.split(",")[1] for line in Path("r.txt").read_text().splitlines()] == ["line=14"]
    gitlab = json.loads(Path("r.gitlab.json").read_text())
    assert [(i["check_name"], i["location"]["lines"]["begin"]) for i in gitlab] == [("SQK101", 14)]
    junit = Path("r.xml").read_text()
    assert 'name="SQK101 kms-key-bare-alias at t.yaml:14:7"' in junit and junit.count("<testcase ") == 1


def test_a_suppressed_finding_in_the_baseline_is_neither_hidden_twice_nor_stale(repo: Path, capsys) -> None:
    # (on the line above: the finding's own line, and so its fingerprint, stay as they were)
    (repo / "t.yaml").write_text(
        TWO_QUEUES.replace(
            "      KmsMasterKeyId", "      # sqs-kms-lint: ignore SQK101 -- shared\n      KmsMasterKeyId"
        )
    )
    code, out, err = _run(capsys)
    assert (code, out) == (0, "0 findings in 1 file checked; 1 suppressed.\n")
    assert (
        err == "sqs-kms-lint: baseline baseline.json: 1 finding hidden; 0 of 2 entries matched no finding\n"
    )


MULTITOOL = os.environ.get("SARIF_MULTITOOL")


@pytest.mark.skipif(
    not MULTITOOL, reason="set SARIF_MULTITOOL to the Sarif.Multitool binary to run GitHub's rules"
)
def test_baselined_sarif_passes_githubs_ingestion_rules(repo: Path, capsys, tmp_path: Path) -> None:
    (repo / "t.yaml").write_text(
        TWO_QUEUES.replace("alias/orders", "alias/orders  # sqs-kms-lint: ignore SQK101 -- shared")
        + NEW_QUEUE
    )
    _run(capsys, "--format", "sarif:in.sarif")
    assert {r["baselineState"] for r in json.loads(Path("in.sarif").read_text())["runs"][0]["results"]} == {
        "new",
        "unchanged",
    }
    subprocess.run(
        [MULTITOOL, "validate", "--rule-kind", "Gh;Sarif", "in.sarif", "-o", "out.sarif"],
        check=True,
        capture_output=True,
    )
    problems = json.loads(Path("out.sarif").read_text())["runs"][0].get("results", [])
    assert [p for p in problems if p.get("level", "warning") in ("error", "warning")] == []
