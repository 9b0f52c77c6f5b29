"""The hook as users run it: `pre-commit try-repo` on a temporary git repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hook_runs_through_pre_commit_try_repo(tmp_path: Path) -> None:
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copy(FIXTURES / "SQK101" / "bad.yaml", repo / "queues.yaml")
    shutil.copy(FIXTURES / "SQK101" / "good.yaml", repo / "fine.yaml")
    (repo / "notes.md").write_text("not linted\n")
    _git(repo, "add", ".")
    env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    done = subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "sqs-kms-lint", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "sqs-kms-lint" in output and "Failed" in output
    assert "queues.yaml:" in output and "SQK101" in output
    assert "fine.yaml:" not in output

    (repo / "queues.yaml").unlink()
    _git(repo, "add", "-A")
    done = subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "sqs-kms-lint", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
