"""What a run imports (issue 10: one file as pre-commit passes it in under 0.3 s): nothing it does not
use. Each case runs in a fresh interpreter and lists the heavy packages it loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("yaml", "pathspec", "hcl2", "lark", "cfnlint", "jsonschema", "sarif_om", "attr", "sympy", "networkx")


def loaded(tmp_path: Path, *argv: str) -> list[str]:
    code = (
        "import sys\nfrom sqs_kms_lint import cli\n"
        f"try:\n    cli.main({list(argv)!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 (our own printed list)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  sqs_managed_sse_enabled = false\n}\n'
    )
    (tmp_path / "q.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    (tmp_path / "q.json").write_text('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    return tmp_path


def test_a_terraform_file_named_alone(files: Path) -> None:
    assert loaded(files, "--no-cache", "main.tf") == []


def test_python_hcl2_reads_only_what_tree_sitter_cannot(files: Path) -> None:
    (files / "broken.tf").write_text("x = {\n")  # (a syntax error: python-hcl2 gives its message)
    assert loaded(files, "--no-cache", "broken.tf") == ["hcl2", "lark"]


def test_a_json_template_named_alone(files: Path) -> None:
    assert loaded(files, "--no-cache", "q.json") == []


def test_a_yaml_template_needs_pyyaml_alone(files: Path) -> None:
    assert loaded(files, "--no-cache", "q.yaml") == ["yaml"]


def test_version_and_help_import_nothing_heavy(files: Path) -> None:
    assert loaded(files, "--version") == []
    assert loaded(files, "--help") == []


def test_a_walk_needs_pathspec_for_gitignore(files: Path) -> None:
    (files / ".gitignore").write_text("build/\n")
    assert loaded(files, "--no-cache", "--jobs", "1", "--format", "sarif", ".") == ["pathspec", "yaml"]
