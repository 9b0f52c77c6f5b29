"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from ..engine import Finding
from .text import printable

_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(text: str) -> str:
    """GitHub's own escapes for %, CR and LF; other control characters are shown escaped (text.printable)."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    lines = []
    for f in findings:
        if f.suppressed:
            continue
        properties = [f"file={_escape_property(f.span.file)}", f"line={f.span.line}", f"col={f.span.column}"]
        if f.span.end_line:
            properties.append(f"endLine={f.span.end_line}")
        properties.append(f"title={_escape_property(f'{f.code} {f.name}')}")
        lines.append(f"::{_LEVELS[f.severity]} {','.join(properties)}::{_escape_data(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
