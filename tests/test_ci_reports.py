"""The CI report formats: JUnit XML (`--format junit`) and GitLab Code Quality (`--format gitlab`), whole
on a small tree, and on the fixtures tree against the JUnit schema CIs read and GitLab's fields."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqs_kms_lint.cli import main
from sqs_kms_lint.engine import Finding
from sqs_kms_lint.model import Span
from sqs_kms_lint.output import junit

from .conftest import ROOT

STACK = (
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    '  "Q\\x1b[2J<&>":\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n'
    "  Shared:\n    Type: AWS::SQS::Queue\n    Properties:\n"
    "      KmsMasterKeyId: alias/orders  # sqs-kms-lint: ignore SQK101 -- shared by design\n"
    "  Orders:\n    Type: AWS::SQS::Queue\n    Properties:\n      KmsMasterKeyId: alias/orders\n"
    "  Events:\n    Type: AWS::SQS::Queue\n    Properties:\n      FifoQueue: true\n      QueueName: events.fifo\n"
)  # SQK001 (a logical ID with an escape sequence and XML's own characters), SQK101 suppressed, SQK101, SQK501
MODULE = 'resource "aws_sqs_queue" "q" {\n  sqs_managed_sse_enabled = false\n}\n'  # SQK001

SQK001_TF = (
    "queue 'aws_sqs_queue.q' sets sqs_managed_sse_enabled = false and no kms_master_key_id: messages are "
    "stored unencrypted; remove sqs_managed_sse_enabled (SSE-SQS is the default) or set a KMS key"
)
SQK001_YAML = (
    "queue 'Q\\x1b[2J&lt;&amp;&gt;' sets SqsManagedSseEnabled: false and no KmsMasterKeyId: messages are "
    "stored unencrypted; remove SqsManagedSseEnabled (SSE-SQS is the default) or set a KMS key"
)
SQK101 = (
    "queue 'Orders' names its key by the alias name 'alias/orders': it resolves in the caller's account and "
    "region and breaks when the alias moves; use the key ARN or the alias ARN"
)
SQK501 = (
    "FIFO queue 'Events' has no ContentBasedDeduplication: every SendMessage must carry a "
    "MessageDeduplicationId or it fails (check that every producer sets one)"
)
DOCS = "https://github.com/sqs-kms-lint/sqs-kms-lint/blob/main/docs/rules"

EXPECTED_JUNIT = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="sqs-kms-lint" tests="5" failures="4" errors="0">
  <testsuite name="mod/main.tf" tests="1" failures="1" errors="0" skipped="0" file="mod/main.tf">
    <testcase name="SQK001 queue-unencrypted at mod/main.tf:2:3" classname="mod/main">
      <failure message="{SQK001_TF}" type="error">mod/main.tf:2:3: SQK001 [error] {SQK001_TF} (queue-unencrypted)
resource: aws_sqs_queue.q
rule: {DOCS}/SQK001.md</failure>
    </testcase>
  </testsuite>
  <testsuite name="stack.yaml" tests="4" failures="3" errors="0" skipped="1" file="stack.yaml">
    <testcase name="SQK001 queue-unencrypted at stack.yaml:6:7" classname="stack">
      <failure message="{SQK001_YAML}" type="error">stack.yaml:6:7: SQK001 [error] {SQK001_YAML} (queue-unencrypted)
resource: Q\\x1b[2J&lt;&amp;&gt;
rule: {DOCS}/SQK001.md</failure>
    </testcase>
    <testcase name="SQK101 kms-key-bare-alias at stack.yaml:10:7" classname="stack">
      <skipped message="suppressed: shared by design" />
    </testcase>
    <testcase name="SQK101 kms-key-bare-alias at stack.yaml:14:7" classname="stack">
      <failure message="{SQK101}" type="warning">stack.yaml:14:7: SQK101 [warning] {SQK101} (kms-key-bare-alias)
resource: Orders
rule: {DOCS}/SQK101.md</failure>
    </testcase>
    <testcase name="SQK501 fifo-without-deduplication at stack.yaml:18:7" classname="stack">
      <failure message="{SQK501}" type="note">stack.yaml:18:7: SQK501 [note] {SQK501} (fifo-without-deduplication)
resource: Events
rule: {DOCS}/SQK501.md</failure>
    </testcase>
  </testsuite>
</testsuites>
"""


def _issue(rule: str, description: str, fingerprint: str, path: str, line: int, severity: str) -> dict:
    return {
        "categories": ["Security"],
        "check_name": rule,
        "description": description,
        "fingerprint": fingerprint,
        "location": {"lines": {"begin": line}, "path": path},
        "severity": severity,
        "type": "issue",
    }


EXPECTED_GITLAB = [
    _issue(
        "SQK001",
        f"SQK001 queue-unencrypted: {SQK001_TF}",
        "1ba073bc8d44428852ddd9feb87e6673:1",
        "mod/main.tf",
        2,
        "major",
    ),
    _issue(
        "SQK001",
        "SQK001 queue-unencrypted: " + SQK001_YAML.replace("&lt;&amp;&gt;", "<&>"),
        "1b40f8f869fa51eed5902fb22f3a4deb:1",
        "stack.yaml",
        6,
        "major",
    ),
    _issue(
        "SQK101",
        f"SQK101 kms-key-bare-alias: {SQK101}",
        "a502ee38680f4033cb1c4a16cda164a9:1",
        "stack.yaml",
        14,
        "minor",
    ),
    _issue(
        "SQK501",
        f"SQK501 fifo-without-deduplication: {SQK501}",
        "72602ce1db57e91cc0cfaf0e1a5d6cd9:1",
        "stack.yaml",
        18,
        "info",
    ),
]


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "mod").mkdir()
    (tmp_path / "stack.yaml").write_text(STACK)
    (tmp_path / "mod" / "main.tf").write_text(MODULE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _report(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["--fail-on", "never", *argv])
    out, _ = capsys.readouterr()
    assert code == 0
    return out


def test_junit_report_of_a_small_tree(repo: Path, capsys) -> None:
    out = _report(capsys, "--format", "junit")
    assert out == EXPECTED_JUNIT
    # what a CI reads back: the escape sequence is shown, XML's own characters come back whole
    root = ET.fromstring(out)
    failure = root.find("testsuite[@name='stack.yaml']/testcase/failure")
    assert failure is not None
    assert failure.get("message", "").startswith("queue 'Q\\x1b[2J<&>' sets SqsManagedSseEnabled")


def test_junit_report_goes_to_a_file_beside_another_report(repo: Path, capsys) -> None:
    code = main(["--format", "text", "--format", "junit:reports/lint.xml"])
    out, _ = capsys.readouterr()
    assert code == 1 and out.endswith(
        "4 findings (2 errors, 1 warning, 1 note) in 2 files checked; 1 suppressed.\n"
    )
    assert (repo / "reports" / "lint.xml").read_text("utf-8") == EXPECTED_JUNIT


def test_junit_without_findings_is_one_passing_testcase(repo: Path, capsys) -> None:
    assert _report(capsys, "--format", "junit", "--select", "SQK204") == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="sqs-kms-lint" tests="1" failures="0" errors="0">\n'
        '  <testsuite name="sqs-kms-lint" tests="1" failures="0" errors="0" skipped="0">\n'
        '    <testcase name="no findings in 2 files checked" classname="sqs-kms-lint" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_junit_shows_escaped_what_xml_1_0_cannot_hold() -> None:
    message = "NUL \x00 VT \x0b ESC \x1b DEL \x7f surrogate \udcff nonchars \ufffe\uffff tab\tend"
    finding = Finding("SQK001", "queue-unencrypted", "error", message, Span("odd\udcff.yaml", 3, 5))
    report = junit.render([finding], files=1)
    (failure,) = ET.fromstring(report).iter("failure")  # it parses: nothing XML 1.0 forbids is left
    assert failure.get("message") == (
        "NUL \\x00 VT \\x0b ESC \\x1b DEL \\x7f surrogate \\udcff nonchars \\ufffe\\uffff tab\\x09end"
    )
    (case,) = ET.fromstring(report).iter("testcase")
    assert case.get("name") == "SQK001 queue-unencrypted at odd\\udcff.yaml:3:5"
    assert report.isascii()


def test_a_file_name_that_is_not_utf8_keeps_both_reports_well_formed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        (Path(os.fsdecode(b"q\xff.yaml"))).write_text(STACK)
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    names = {case.get("name") for case in ET.fromstring(_report(capsys, "-f", "junit")).iter("testcase")}
    assert "SQK001 queue-unencrypted at q\\udcff.yaml:6:7" in names
    issues = json.loads(_report(capsys, "-f", "gitlab"))
    assert {issue["location"]["path"] for issue in issues} == {"q\\xff.yaml"}


# Jenkins' junit-10.xsd (jenkinsci/xunit-plugin, the schema pytest's xunit2 family follows and GitLab,
# Jenkins and Azure DevOps read), element by element: allowed attributes (required ones marked "!"),
# allowed children, and whether text may appear.
JUNIT_10 = {
    "testsuites": ({"name", "time", "tests", "failures", "errors"}, {"testsuite"}, False),
    "testsuite": (
        {"name!", "tests!", "failures!", "errors!", "group", "time", "skipped", "timestamp", "hostname"}
        | {"id", "package", "file", "log", "url"},
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
        False,
    ),
    "testcase": (
        {"name!", "time", "classname", "group"},
        {"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError"}
        | {"system-out", "system-err"},
        False,
    ),
    "failure": ({"type", "message"}, set(), True),
    "error": ({"type", "message"}, set(), True),
    "skipped": ({"type", "message"}, set(), True),
    "properties": (set(), {"property"}, False),
    "property": ({"name!", "value!"}, set(), False),
    "system-out": (set(), set(), True),
    "system-err": (set(), set(), True),
}
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")


def _follows_junit_10(element: ET.Element) -> list[str]:
    """What in `element` and below junit-10.xsd does not allow."""
    if element.tag not in JUNIT_10:
        return [f"<{element.tag}> is not in the schema"]
    attributes, children, text = JUNIT_10[element.tag]
    allowed = {a.rstrip("!") for a in attributes}
    problems = [f"<{element.tag}> {a}=" for a in element.attrib if a not in allowed]
    problems += [
        f"<{element.tag}> lacks {a[:-1]}"
        for a in attributes
        if a.endswith("!") and a[:-1] not in element.attrib
    ]
    if "time" in element.attrib and not SUREFIRE_TIME.fullmatch(element.attrib["time"]):
        problems.append(f"<{element.tag}> time={element.attrib['time']!r}")
    if not text and (element.text or "").strip():
        problems.append(f"<{element.tag}> holds text")
    for child in element:
        if child.tag not in children:
            problems.append(f"<{child.tag}> inside <{element.tag}>")
        if not text and (child.tail or "").strip():
            problems.append(f"<{element.tag}> holds text")
        problems += _follows_junit_10(child)
    return problems


def _fixtures_report(capsys, monkeypatch, *argv: str) -> str:
    monkeypatch.chdir(ROOT)
    return _report(capsys, *argv, "fixtures")


def test_junit_of_the_fixtures_tree_follows_junit_10_xsd(capsys, monkeypatch) -> None:
    findings = json.loads(_fixtures_report(capsys, monkeypatch, "--format", "json"))
    root = ET.fromstring(_fixtures_report(capsys, monkeypatch, "--format", "junit"))
    assert root.tag == "testsuites" and _follows_junit_10(root) == []
    # one testsuite per file, in file order, one testcase per finding; counts that add up
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == list(dict.fromkeys(f["file"] for f in findings))
    cases = [(s.get("name"), c) for s in suites for c in s.findall("testcase")]
    assert [(file, case.get("name")) for file, case in cases] == [
        (f["file"], f"{f['rule']} {f['name']} at {f['file']}:{f['line']}:{f['column']}") for f in findings
    ]
    assert [case[0].tag for _, case in cases] == [
        "skipped" if f["suppressed"] else "failure" for f in findings
    ]
    assert [case[0].get("type") for _, case in cases if case[0].tag == "failure"] == [
        f["severity"] for f in findings if not f["suppressed"]
    ]
    for suite in suites:
        kinds = [case[0].tag for case in suite.findall("testcase")]
        assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors")) == (
            str(len(kinds)),
            str(kinds.count("failure")),
            str(kinds.count("skipped")),
            "0",
        )
    assert (root.get("tests"), root.get("failures")) == (
        str(len(findings)),
        str(sum(not f["suppressed"] for f in findings)),
    )


def test_the_structural_check_catches_what_the_schema_forbids() -> None:
    bad = ET.fromstring(
        '<testsuites skipped="1"><testsuite name="x" tests="1" failures="0"><testcase file="a.yaml" line="3">'
        "<failure/>text</testcase></testsuite></testsuites>"
    )
    assert _follows_junit_10(bad) == [
        "<testsuites> skipped=",
        "<testsuite> lacks errors",
        "<testcase> file=",
        "<testcase> line=",
        "<testcase> lacks name",
        "<testcase> holds text",
    ]


def test_gitlab_report_of_a_small_tree(repo: Path, capsys) -> None:
    out = _report(capsys, "--format", "gitlab")
    assert json.loads(out) == EXPECTED_GITLAB
    assert out == json.dumps(EXPECTED_GITLAB, indent=2, sort_keys=True) + "\n"


def test_gitlab_fingerprints_are_the_baselines_and_unique(capsys, monkeypatch) -> None:
    findings = json.loads(_fixtures_report(capsys, monkeypatch, "--format", "json"))
    issues = json.loads(_fixtures_report(capsys, monkeypatch, "--format", "gitlab"))
    shown = [f for f in findings if not f["suppressed"]]
    assert [i["fingerprint"] for i in issues] == [f["fingerprint"] for f in shown]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        (f["rule"], f["file"], f["line"]) for f in shown
    ]
    assert [i["severity"] for i in issues] == [
        {"error": "major", "warning": "minor", "note": "info"}[f["severity"]] for f in shown
    ]


KEY_WITH_TWO_PUBLIC_GRANTS_ON_ONE_LINE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: {Statement: [{Effect: Allow, Principal: "*", Action: "kms:Decrypt", Resource: "*"}, {Effect: Allow, Principal: "*", Action: "kms:Encrypt", Resource: "*"}]}
"""


def test_identical_findings_get_distinct_fingerprints_that_survive_moved_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text(KEY_WITH_TWO_PUBLIC_GRANTS_ON_ONE_LINE)
    before = json.loads(_report(capsys, "-f", "gitlab"))
    # same rule, file, resource and line text: the baseline's fingerprint, told apart by its index
    assert [(i["check_name"], i["location"]["lines"]["begin"]) for i in before] == [("SQK206", 6)] * 2
    (digest,) = {i["fingerprint"].split(":")[0] for i in before}
    assert [i["fingerprint"] for i in before] == [f"{digest}:1", f"{digest}:2"]
    Path("t.yaml").write_text("# moved\n\n" + KEY_WITH_TWO_PUBLIC_GRANTS_ON_ONE_LINE)
    after = json.loads(_report(capsys, "-f", "gitlab"))
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert [i["location"]["lines"]["begin"] for i in after] == [8, 8]
