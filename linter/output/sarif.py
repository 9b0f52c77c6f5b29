"""SARIF 2.1.0 for GitHub code scanning, written as JSON directly (sarif-om's object model, whose import
costs a SARIF run a tenth of a second, is the oracle the tests compare the tool and rule descriptors to).

Deterministic bytes: sorted rules and results, no timestamps, fingerprints without line numbers.
Relative paths use the uriBaseId %SRCROOT% (the directory the linter ran in). Given a --baseline, every
result has a baselineState: "unchanged" for a finding the baseline records (kept here, left out of the
other formats), "new" for the others.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import PROJECT_URL, __version__
from ..engine import Finding, Rule, all_rules
from . import rule_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}


def help_uri(rule: Rule) -> str:
    return rule_url(rule.code)


def descriptor(rule: Rule) -> dict[str, Any]:
    """A rule's reportingDescriptor as SARIF JSON (what sarif-om's ReportingDescriptor writes, defaults
    left out: tests/test_sarif.py builds it with sarif-om and compares)."""
    what = rule.section("What it does") or rule.summary
    markdown = f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.doc.split(chr(10), 1)[-1].strip()}"
    configuration: dict[str, Any] = {"level": "none" if rule.opt_in else rule.severity}
    if rule.opt_in:
        configuration["enabled"] = False
    return {
        "defaultConfiguration": configuration,
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"markdown": markdown, "text": f"{rule.summary} See {help_uri(rule)}"},
        "helpUri": help_uri(rule),
        "id": rule.code,
        "name": rule.name,
        "properties": {
            "precision": rule.precision,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "tags": sorted(set(rule.tags)),
        },
        "shortDescription": {"text": rule.summary},
    }


def skeleton() -> dict[str, Any]:
    """The log without results: the tool, its rules, the base URI (sarif-om's SarifLog, as JSON)."""
    return {
        "$schema": SCHEMA_URI,
        "runs": [
            {
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the directory linted from"}}},
                "tool": {
                    "driver": {
                        "informationUri": PROJECT_URL,
                        "name": "sqs-kms-lint",
                        "rules": [descriptor(rule) for rule in all_rules()],
                        "semanticVersion": __version__,
                        "version": __version__,
                    }
                },
            }
        ],
        "version": "2.1.0",
    }


def _result(finding: Finding, index: int) -> dict[str, Any]:
    """A result as SARIF JSON directly (thousands of them: no object model round trip)."""
    result: dict[str, Any] = {
        "level": finding.severity,
        "locations": [_location_data(finding.span)],
        "message": {"text": finding.message},
        "partialFingerprints": {"sqsKmsLint/v1": finding.fingerprint},
        "ruleId": finding.code,
        "ruleIndex": index,
    }
    if finding.related:
        result["relatedLocations"] = [
            _location_data(r.span, r.message, i) for i, r in enumerate(finding.related)
        ]
    if finding.resource:
        result["properties"] = {"resource": finding.resource}
    if finding.suppressed:
        result["suppressions"] = [{"justification": finding.justification, "kind": "inSource"}]
    if finding.baseline_state:  # (given a baseline, every result says whether it is in it)
        result["baselineState"] = finding.baseline_state
    return result


def _location_data(span: Any, message: str | None = None, ident: int | None = None) -> dict[str, Any]:
    path = span.file
    if path.startswith("/"):
        artifact = {"uri": Path(path).as_uri()}
    else:  # (a file name that is not UTF-8 reaches us with surrogate escapes: its bytes are percent-encoded)
        artifact = {"uri": quote(path.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": "%SRCROOT%"}
    region = {"startColumn": span.column, "startLine": span.line}
    if span.end_line is not None and span.end_column is not None:
        region["endColumn"] = span.end_column
        region["endLine"] = span.end_line
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact, "region": region}}
    if ident is not None:
        location["id"] = ident
    if message:
        location["message"] = {"text": message}
    return location


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    index = {rule.code: i for i, rule in enumerate(all_rules())}
    log = skeleton()
    log["runs"][0]["results"] = [_result(f, index[f.code]) for f in sorted(findings, key=Finding.sort_key)]
    # Compact (the C encoder); sorted keys keep the bytes identical from run to run.
    return json.dumps(log, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
