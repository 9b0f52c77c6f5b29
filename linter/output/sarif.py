"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om.

Deterministic bytes: sorted rules and results, no timestamps, fingerprints without line numbers.
Relative paths use the uriBaseId %SRCROOT% (the directory the linter ran in). Given a --baseline, every
result has a baselineState: "unchanged" for a finding the baseline records (kept here, left out of the
other formats), "new" for the others.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from .. import PROJECT_URL, __version__
from ..engine import Finding, Rule, all_rules
from . import rule_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}


def help_uri(rule: Rule) -> str:
    return rule_url(rule.code)


def _descriptor(rule: Rule) -> om.ReportingDescriptor:
    what = rule.section("What it does") or rule.summary
    markdown = f"**{rule.code} {rule.name}**: {rule.summary}\n\n{rule.doc.split(chr(10), 1)[-1].strip()}"
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
        properties=_bag(
            tags=sorted(set(rule.tags)),
            **{"security-severity": SECURITY_SEVERITY[rule.severity], "precision": rule.precision},
        ),
    )


def _bag(tags: list[str] | None = None, **extra: Any) -> om.PropertyBag:
    """A property bag; sarif-om declares only `tags`, the rest are set as plain attributes."""
    bag = om.PropertyBag(tags=tags)
    for name, value in extra.items():
        setattr(bag, name, value)
    return bag


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


@cache
def _fields(cls: Any) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, schema property name, default) of a sarif-om class, computed once per class."""
    fields = []
    for field in attr.fields(cls):
        default: Any = field.default
        if hasattr(default, "factory") and hasattr(default, "takes_self"):  # an attrs Factory
            default = default.factory()
        fields.append((field.name, field.metadata.get("schema_property_name", field.name), default))
    return tuple(fields)


def _plain(value: Any) -> Any:
    """sarif-om objects to JSON-ready data with the schema's property names, defaults left out."""
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if attr.has(type(value)):
        data: dict[str, Any] = {}
        for name, json_name, default in _fields(type(value)):  # type: ignore[arg-type]
            item = getattr(value, name)
            if item is None or (default is not attr.NOTHING and item == default and name != "level"):
                continue
            data[json_name] = _plain(item)
        if isinstance(value, om.PropertyBag):
            data.update({k: _plain(v) for k, v in vars(value).items() if k not in data and k != "tags"})
        return data
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    rules = list(all_rules())
    index = {rule.code: i for i, rule in enumerate(rules)}
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="sqs-kms-lint",
                version=__version__,
                semantic_version=__version__,
                information_uri=PROJECT_URL,
                rules=[_descriptor(rule) for rule in rules],
            )
        ),
        original_uri_base_ids={
            "%SRCROOT%": om.ArtifactLocation(description=om.Message(text="the directory linted from"))
        },
        column_kind="unicodeCodePoints",
    )
    log = _plain(om.SarifLog(schema_uri=SCHEMA_URI, version="2.1.0", runs=[run]))
    log["runs"][0]["results"] = [_result(f, index[f.code]) for f in sorted(findings, key=Finding.sort_key)]
    # Compact (the C encoder); sorted keys keep the bytes identical from run to run.
    return json.dumps(log, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
