"""JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps): one testsuite per file, one failing
testcase per finding, a suppressed finding as a skipped testcase.

The elements and attributes are those of Jenkins' `junit-10.xsd` (which pytest's default xunit2 family
also follows): a testcase has no file or line attribute there, so the place is in its name and its
failure text. Its classname is the file's path without its suffix, as ruff's JUnit output names it.
No timestamps or durations: the bytes are the same from run to run. A run without findings is one
passing testcase, so that a CI that refuses an empty test report does not fail for a clean repository.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby
from pathlib import PurePosixPath

from ..engine import Finding
from . import rule_url
from .text import printable

# What XML 1.0 cannot hold even as a character reference, once text.printable has escaped the control
# characters: a lone surrogate (a file name that is not UTF-8), U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 cannot carry shown escaped (`\\x1b`, `\\udcff`)."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", printable(text))


def _classname(path: str) -> str:
    shown = PurePosixPath(path)
    return str(shown.with_suffix("")) if shown.suffix else path


def _testcase(finding: Finding) -> ET.Element:
    span = finding.span
    place = f"{span.file}:{span.line}:{span.column}"
    case = ET.Element(
        "testcase",
        {
            "name": xml_text(f"{finding.code} {finding.name} at {place}"),
            "classname": xml_text(_classname(span.file)),
        },
    )
    if finding.suppressed:
        ET.SubElement(case, "skipped", {"message": xml_text(f"suppressed: {finding.justification}")})
        return case
    failure = ET.SubElement(case, "failure", {"message": xml_text(finding.message), "type": finding.severity})
    lines = [f"{place}: {finding.code} [{finding.severity}] {finding.message} ({finding.name})"]
    if finding.resource:
        lines.append(f"resource: {finding.resource}")
    lines.extend(
        f"related: {r.span.file}:{r.span.line}:{r.span.column}: {r.message}" for r in finding.related
    )
    lines.append(f"rule: {rule_url(finding.code)}")
    failure.text = "\n".join(xml_text(line) for line in lines)
    return case


def _counts(element: ET.Element, tests: int, failures: int, skipped: int | None = None) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    if skipped is not None:  # (junit-10.xsd has no `skipped` on testsuites)
        element.set("skipped", str(skipped))


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    root = ET.Element("testsuites", {"name": "sqs-kms-lint"})
    ordered = sorted(findings, key=Finding.sort_key)
    for file, group in groupby(ordered, key=lambda f: f.span.file):
        in_file = list(group)
        suite = ET.SubElement(root, "testsuite", {"name": xml_text(file)})
        skipped = sum(f.suppressed for f in in_file)
        _counts(suite, len(in_file), len(in_file) - skipped, skipped)
        suite.set("file", xml_text(file))
        suite.extend(_testcase(f) for f in in_file)
    if not ordered:
        suite = ET.SubElement(root, "testsuite", {"name": "sqs-kms-lint"})
        _counts(suite, 1, 0, 0)
        checked = f"{files} file{'s' if files != 1 else ''} checked"
        ET.SubElement(suite, "testcase", {"name": f"no findings in {checked}", "classname": "sqs-kms-lint"})
    tests = max(len(ordered), 1)
    _counts(root, tests, sum(not f.suppressed for f in ordered))
    ET.indent(root)
    # ASCII with character references: the same bytes whatever encoding stdout has.
    body = ET.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
