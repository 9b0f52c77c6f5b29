"""Every rule's bad and good fixtures: the (rule, line) set found must equal the set declared."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqs_kms_lint.engine import all_rules

from .conftest import FIXTURES, expected_findings, lint_file

FORMATS = {
    "yaml": "CloudFormation YAML",
    "json": "CloudFormation JSON",
    "aws.json": "raw AWS JSON",
    "tf": "Terraform HCL",
    "plan.json": "Terraform plan JSON (terraform show -json)",
}


def _fixture_files() -> list[Path]:
    found = []
    for folder in sorted(FIXTURES.glob("SQK*")):
        for path in sorted(folder.iterdir()):
            if path.name.startswith(("bad", "good")) and not path.name.endswith(".expect"):
                found.append(path)
    return found


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: f"{p.parent.name}-{p.name}")
def test_fixture_findings(path: Path) -> None:
    found = {(f.code, f.span.line) for f in lint_file(path) if not f.suppressed}
    assert found == expected_findings(path)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_has_fixtures_in_every_format(rule) -> None:
    folder = FIXTURES / rule.code
    exempt = folder / "not-applicable.txt"
    skipped = (
        {line.split(":", 1)[0].strip() for line in exempt.read_text("utf-8").splitlines()}
        if exempt.exists()
        else set()
    )
    for suffix in FORMATS:
        if suffix in skipped:
            assert (folder / f"good.{suffix}").is_file(), (
                f"{rule.code}: not applicable to {suffix}, still show it silent"
            )
            continue
        for kind in ("bad", "good"):
            assert (folder / f"{kind}.{suffix}").is_file(), f"{rule.code}: missing {kind}.{suffix}"
        declared = expected_findings(folder / f"bad.{suffix}")
        assert any(code == rule.code for code, _ in declared), (
            f"{rule.code}: bad.{suffix} declares none of its findings"
        )
