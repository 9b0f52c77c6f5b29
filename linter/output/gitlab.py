"""GitLab Code Quality: a JSON list of Code Climate issues (`artifacts: reports: codequality`).

Each unsuppressed finding is one issue: `description`, `check_name` (the rule ID), `fingerprint`,
`severity` and `location` (`path`, `lines.begin`), plus Code Climate's `type` and `categories`. The
fingerprint is the finding's own (what --write-baseline records and SARIF's partialFingerprints carry):
a hash of the rule, file, resource and line text, whose `:N` suffix tells identical ones apart, so it is
unique in a report and stays the same when lines move, which is how GitLab tells new issues from old.
"""

from __future__ import annotations

import json
from typing import Any

from ..engine import Finding
from .text import printable

# Code Quality's severities are info, minor, major, critical and blocker; ours map as
# eslint-formatter-gitlab maps ESLint's (error major, warning minor), with note as info.
SEVERITIES = {"error": "major", "warning": "minor", "note": "info"}


def _text(text: str) -> str:
    """`text` without lone surrogates (a file name that is not UTF-8 holds them): its bytes shown as
    `\\xff`, so that the report is valid UTF-8 JSON for any reader."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate surrogateescape does not make (from a JSON `\\ud800`)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _issue(finding: Finding) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": finding.code,
        # (shown to people in merge requests: control characters escaped, as in text output)
        "description": _text(printable(f"{finding.code} {finding.name}: {finding.message}")),
        "categories": ["Security"],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": finding.fingerprint,
        "location": {"path": _text(finding.span.file), "lines": {"begin": finding.span.line}},
    }


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    issues = [_issue(f) for f in sorted(findings, key=Finding.sort_key) if not f.suppressed]
    # ASCII (other characters as \u escapes): the same bytes whatever encoding stdout has.
    return json.dumps(issues, indent=2, sort_keys=True) + "\n"
