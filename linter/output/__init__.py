"""Renderers: each turns the sorted findings into the bytes of one format."""

from __future__ import annotations

from collections.abc import Callable

from ..engine import Finding
from . import github, json_format, sarif, text

RENDERERS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}


def render(format_name: str, findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    return RENDERERS[format_name](findings, color=color, files=files)
