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


# --- sarif-om, the oracle of the skeleton written as plain JSON ------------------------------------------


def _om_log() -> dict:
    """The log without results as sarif-om's object model writes it (schema property names, defaults
    left out), built the way linter/output/sarif.py built it before it wrote JSON directly."""
    import attr
    import sarif_om as om
    from sqs_kms_lint import PROJECT_URL, __version__
    from sqs_kms_lint.engine import all_rules
    from sqs_kms_lint.output.sarif import SCHEMA_URI, SECURITY_SEVERITY, help_uri

    def plain(value: object) -> object:
        if isinstance(value, (str, int, float)) or value is None:
            return value
        if attr.has(type(value)):
            data: dict = {}
            for field in attr.fields(type(value)):
                default = field.default
                if hasattr(default, "factory") and hasattr(default, "takes_self"):
                    default = default.factory()
                item = getattr(value, field.name)
                if item is None or (
                    default is not attr.NOTHING and item == default and field.name != "level"
                ):
                    continue
                data[field.metadata.get("schema_property_name", field.name)] = plain(item)
            if isinstance(value, om.PropertyBag):
                data.update({k: plain(v) for k, v in vars(value).items() if k not in data and k != "tags"})
            return data
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    def descriptor(rule) -> om.ReportingDescriptor:  # type: ignore[no-untyped-def]
        what = rule.section("What it does") or rule.summary
        markdown = f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.doc.split(chr(10), 1)[-1].strip()}"
        bag = om.PropertyBag(tags=sorted(set(rule.tags)))
        setattr(bag, "security-severity", SECURITY_SEVERITY[rule.severity])
        bag.precision = rule.precision
        return om.ReportingDescriptor(
            id=rule.code,
            name=rule.name,
            short_description=om.MultiformatMessageString(text=rule.summary),
            full_description=om.MultiformatMessageString(text=" ".join(what.split())),
            help=om.MultiformatMessageString(text=f"{rule.summary} See {help_uri(rule)}", markdown=markdown),
            help_uri=help_uri(rule),
            default_configuration=om.ReportingConfiguration(
                level="none" if rule.opt_in else rule.severity, enabled=not rule.opt_in
            ),
            properties=bag,
        )

    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="sqs-kms-lint",
                version=__version__,
                semantic_version=__version__,
                information_uri=PROJECT_URL,
                rules=[descriptor(rule) for rule in all_rules()],
            )
        ),
        original_uri_base_ids={
            "%SRCROOT%": om.ArtifactLocation(description=om.Message(text="the directory linted from"))
        },
        column_kind="unicodeCodePoints",
    )
    return plain(om.SarifLog(schema_uri=SCHEMA_URI, version="2.1.0", runs=[run]))  # type: ignore[return-value]


def test_the_skeleton_is_what_sarif_om_writes() -> None:
    from sqs_kms_lint.output.sarif import skeleton

    assert skeleton() == _om_log()


def test_a_sarif_run_imports_neither_sarif_om_nor_attrs(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "q.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    code = (
        "import sys\nfrom sqs_kms_lint import cli\n"
        f"cli.main(['--format', 'sarif', '--no-cache', '-o', {str(tmp_path / 'out.sarif')!r}, {str(tmp_path)!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sarif_om', 'attr', 'attrs', 'cfnlint')))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"
