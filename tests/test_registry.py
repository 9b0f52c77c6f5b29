"""One registry: rule docs complete, catalogue agreement, docs and README generated from it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from sqs_kms_lint.engine import DOC_SECTIONS, all_rules

from .conftest import ROOT

CATALOGUE = ROOT.parent / "shared" / "spec" / "rules.md"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_documents_every_section(rule) -> None:
    titles = re.findall(r"^## (.+)$", rule.doc, re.M)
    assert titles == list(DOC_SECTIONS)
    assert all(rule.section(title) for title in DOC_SECTIONS)
    assert len(rule.summary) <= 100


def test_codes_and_names_are_unique_and_well_formed() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"SQK\d{3}", rule.code) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.severity in ("error", "warning", "note")


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the shared spec is not beside this checkout")
def test_registry_agrees_with_the_catalogue() -> None:
    rows = re.findall(
        r"^\| (SQK\d{3}) \| ([a-z0-9-]+) \| ([a-z ();-]+?) \|", CATALOGUE.read_text("utf-8"), re.M
    )
    # "off (opt-in; warning when on)" is an opt-in rule: its default when switched on is ours to check
    catalogue = {
        code: (name, "off (opt-in)" if severity.startswith("off (opt-in") else severity)
        for code, name, severity in rows
    }
    registry = {r.code: (r.name, "off (opt-in)" if r.opt_in else r.severity) for r in all_rules()}
    assert registry == {code: catalogue[code] for code in registry}
    assert set(registry) == set(catalogue)


def test_generated_docs_and_readme_table_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
