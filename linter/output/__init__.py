"""Renderers: each turns the sorted findings into the bytes of one format (a format's module is imported
only when it is used: the SARIF one pulls in sarif-om)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Finding

FORMATS = {"github": "github", "json": "json_format", "sarif": "sarif", "text": "text"}


def render(format_name: str, findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    module = import_module(f".{FORMATS[format_name]}", __name__)
    return module.render(findings, color=color, files=files)  # type: ignore[no-any-return]
