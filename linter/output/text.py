"""`path:line:col: SQK101 [warning] message (rule-name)`, each related place indented below it
(`    path:line:col: what is there`), and a summary line."""

from __future__ import annotations

import re
from collections import Counter

from ..engine import Finding

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
# Control characters (a newline, an escape sequence) in a name or message from a file are shown escaped, so
# that no file can start a new line of its own, e.g. `::error ...::` that a GitHub Actions log would run.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256 else f"\\u{ord(m.group(0)):04x}", text
    )


_RESET = "\033[0m"


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    shown = [f for f in findings if not f.suppressed]
    lines = []
    for finding in shown:
        level = f"[{finding.severity}]"
        if color:
            level = f"{_COLORS.get(finding.severity, '')}{level}{_RESET}"
        where = f"{printable(finding.span.file)}:{finding.span.line}:{finding.span.column}"
        lines.append(f"{where}: {finding.code} {level} {printable(finding.message)} ({finding.name})")
        for related in finding.related:  # where else to look (indented: no line of its own to grep)
            there = f"{printable(related.span.file)}:{related.span.line}:{related.span.column}"
            lines.append(f"    {there}: {printable(related.message)}")
    counts = Counter(f.severity for f in shown)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "note") if counts[s]
    ]
    suppressed = len(findings) - len(shown)
    summary = f"{len(shown)} finding{'s' if len(shown) != 1 else ''}"
    if parts:
        summary += f" ({', '.join(parts)})"
    summary += f" in {files} file{'s' if files != 1 else ''} checked"
    if suppressed:
        summary += f"; {suppressed} suppressed"
    lines.append(summary + ".")
    return "\n".join(lines) + "\n"
