"""Renderers: each turns the sorted findings into the bytes of one format (a format's module is imported
only when it is used: the SARIF one pulls in sarif-om)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .. import PROJECT_URL

if TYPE_CHECKING:
    from ..engine import Finding

# name -> (module, what it writes, for --help)
FORMATS = {
    "text": ("text", "lines and a summary, the default"),
    "json": ("json_format", "a list of findings"),
    "sarif": ("sarif", "SARIF 2.1.0, for GitHub code scanning"),
    "github": ("github", "GitHub Actions annotations"),
    "junit": ("junit", "JUnit XML, for GitLab, Jenkins and Azure DevOps test reports"),
    "gitlab": ("gitlab", "GitLab Code Quality"),
}
# Formats that keep the findings a --baseline records (as baselineState "unchanged"); the others are
# given only the new ones.
KEEPS_BASELINED = frozenset({"sarif"})


def rule_url(code: str) -> str:
    """The page documenting a rule (SARIF's helpUri, JUnit's failure text)."""
    return f"{PROJECT_URL}/blob/main/docs/rules/{code}.md"


def render(format_name: str, findings: list[Finding], *, color: bool = False, files: int = 0) -> str:
    module = import_module(f".{FORMATS[format_name][0]}", __name__)
    return module.render(findings, color=color, files=files)  # type: ignore[no-any-return]
