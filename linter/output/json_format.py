"""A stable JSON list of findings (suppressed ones included, marked)."""

from __future__ import annotations

import json

from ..engine import Finding


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    items = [
        {
            "rule": f.code,
            "name": f.name,
            "severity": f.severity,
            "message": f.message,
            "file": f.span.file,
            "line": f.span.line,
            "column": f.span.column,
            "end_line": f.span.end_line,
            "end_column": f.span.end_column,
            "resource": f.resource,
            "related": [
                {"file": r.span.file, "line": r.span.line, "column": r.span.column, "message": r.message}
                for r in f.related
            ],
            "fingerprint": f.fingerprint,
            "suppressed": f.suppressed,
            **({"justification": f.justification} if f.suppressed else {}),
        }
        for f in findings
    ]
    return json.dumps(items, indent=2, sort_keys=True) + "\n"
