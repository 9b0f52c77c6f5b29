#!/usr/bin/env python3
"""Run sqs-kms-lint over a pinned corpus of public repositories and summarise the findings.

Lint mode (default): extract each repository of ``repos.txt`` at its pinned commit from a local git
mirror (``git archive``), run the linter on it with ``--format json``, print findings per rule per
repository, the SQK000 and duplicate counts, and write every finding to ``findings.json``.

Compare mode: ``--compare OLD.json NEW.json`` prints the findings added and removed between two runs
and the per-rule counts before and after.

Standard library only, so it runs with any interpreter, whichever linter build it drives.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DONE_MARKER = ".sqs-kms-lint-corpus-complete"

# What --select-all turns on: the opt-in rules and the options that make silent rules speak.
SELECT_ALL_CONFIG = """\
require-cmk: true
rules:
  SQK202: warning
  SQK304: {max-reuse-period: 3600}
"""

Finding = dict[str, Any]
Key = tuple[str, str, str, int, str]


@dataclass(frozen=True)
class Repo:
    name: str  # owner/name
    commit: str
    subdirs: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+")

    @property
    def checkout_name(self) -> str:
        return f"{self.folder}@{self.commit[:12]}"


@dataclass
class RepoResult:
    repo: Repo
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None
    missing_blobs: list[str] = field(default_factory=list)


def read_repos(path: Path) -> list[Repo]:
    repos: list[Repo] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) < 2 or "/" not in parts[0] or len(parts[1]) != 40:
            raise SystemExit(f"{path}:{number}: expected 'owner/name <40-hex commit> [subdir ...]'")
        int(parts[1], 16)  # a commit is hex
        repos.append(Repo(parts[0], parts[1].lower(), tuple(p.strip("/") for p in parts[2:])))
    return repos


# --- locating and extracting --------------------------------------------------------------------


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def _git_dir_in(folder: Path) -> Path | None:
    """The git directory inside a mirror folder: fetch writes owner+name/repo (bare) or repo/.git."""
    for candidate in (folder / "repo", folder / "repo" / ".git", folder, folder / ".git"):
        if candidate.is_dir() and _is_git_dir(candidate):
            return candidate
    return None


def find_git_dir(mirror_root: Path, repo: Repo) -> Path | None:
    direct = _git_dir_in(mirror_root / repo.folder)
    if direct is not None:
        return direct
    if not mirror_root.is_dir():
        return None
    wanted = {repo.folder, repo.folder + ".git", repo.name.split("/")[1], repo.name.split("/")[1] + ".git"}
    for current, dirs, _files in os.walk(mirror_root):
        depth = len(Path(current).relative_to(mirror_root).parts)
        for name in dirs:
            if name in wanted:
                found = _git_dir_in(Path(current) / name)
                if found is not None and (name.startswith(repo.folder) or repo.name in str(found)):
                    return found
        if depth >= 3:
            dirs[:] = []
        else:
            dirs[:] = [d for d in dirs if d not in {"objects", "refs", ".git"}]
    return None


def _has_commit(git_dir: Path, commit: str) -> bool:
    probe = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
    )
    return probe.returncode == 0


def _archive(git_dir: Path, repo: Repo, into: Path) -> bool:
    archive = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", repo.commit, *repo.subdirs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    tar = subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, capture_output=True)
    assert archive.stdout is not None and archive.stderr is not None
    archive.stdout.close()
    archive.stderr.read()
    return archive.wait() == 0 and tar.returncode == 0


def _extract_blob_by_blob(git_dir: Path, repo: Repo, into: Path) -> list[str]:
    """Fallback when git archive fails: the snapshot lacks some objects (files of 4 MiB and more).

    Writes every blob that is present and returns the paths of those that are not.
    """
    listing = subprocess.run(
        [
            "git",
            f"--git-dir={git_dir}",
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            repo.commit,
            "--",
            *repo.subdirs,
        ],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    entries: list[tuple[str, str, str]] = []
    for record in listing.split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob":
            entries.append((mode, sha, path))
    missing: list[str] = []
    batch = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert batch.stdin is not None and batch.stdout is not None
    try:
        for mode, sha, path in entries:
            batch.stdin.write(sha.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().decode().split()
            if len(header) < 3 or header[1] == "missing":
                missing.append(path)
                continue
            data = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)  # the newline after the content
            target = into / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                target.symlink_to(data.decode("utf-8", "surrogateescape"))
            else:
                target.write_bytes(data)
                if mode == "100755":
                    target.chmod(0o755)
    finally:
        batch.stdin.close()
        batch.wait()
    return missing


def ensure_checkout(
    repo: Repo, mirror_root: Path, checkout_dir: Path
) -> tuple[Path | None, str | None, list[str]]:
    """Return (checkout path, reason it was skipped, paths missing from the snapshot)."""
    target = checkout_dir / repo.checkout_name
    if (target / DONE_MARKER).is_file():
        return target, None, (target / DONE_MARKER).read_text(encoding="utf-8").splitlines()
    git_dir = find_git_dir(mirror_root, repo)
    if git_dir is None:
        return (
            None,
            (
                f"no mirror of {repo.name} under {mirror_root}; get it with the session's fetch tool "
                f"(fetch github:{repo.name}), or `git clone --mirror https://github.com/{repo.name} "
                f"{mirror_root}/{repo.folder}/repo`, then run again"
            ),
            [],
        )
    if not _has_commit(git_dir, repo.commit):
        return (
            None,
            (
                f"{git_dir} lacks commit {repo.commit}; update the mirror (fetch github:{repo.name} again, "
                f"or `git --git-dir={git_dir} fetch origin`) or pin repos.txt to "
                f"`git --git-dir={git_dir} rev-parse HEAD`"
            ),
            [],
        )
    checkout_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=repo.checkout_name + ".", dir=checkout_dir))
    missing = []
    if not _archive(git_dir, repo, staging):
        shutil.rmtree(staging)
        staging.mkdir()
        missing = _extract_blob_by_blob(git_dir, repo, staging)
    # An empty .git makes the extract its own repository root: the linter reports paths relative to it.
    (staging / ".git").mkdir(exist_ok=True)
    (staging / DONE_MARKER).write_text("".join(m + "\n" for m in missing), encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target, None, missing


# --- linting ------------------------------------------------------------------------------------


def _relative(path: str, root: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return candidate.as_posix()
    text = candidate.as_posix()
    return text[2:] if text.startswith("./") else text


def lint(
    repo: Repo, root: Path, linter: Sequence[str], config: Path | None
) -> tuple[list[Finding], str | None]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "findings.json"
        command = [*linter, ".", "--format", "json", "--fail-on", "never", "--output", str(out)]
        if config is not None:
            command += ["--config", str(config)]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        if done.returncode not in (0, 1) or not out.is_file():
            again = subprocess.run([*command, "--debug"], cwd=root, capture_output=True, text=True)
            detail = (again.stderr or done.stderr).strip()
            return [], f"exit {done.returncode}: {detail}"
        raw = json.loads(out.read_text(encoding="utf-8"))
    findings: list[Finding] = []
    for item in raw:
        findings.append(
            {
                "repo": repo.name,
                "path": _relative(str(item.get("file", "")), root),
                "line": int(item.get("line") or 0),
                "column": int(item.get("column") or 0),
                "rule": str(item.get("rule", "")),
                "severity": str(item.get("severity", "")),
                "message": str(item.get("message", "")),
                "resource": item.get("resource"),
                "suppressed": bool(item.get("suppressed", False)),
            }
        )
    return findings, (done.stderr.strip() or None) if "Traceback" in done.stderr else None


def sort_key(f: Finding) -> tuple[str, str, int, int, str, str]:
    return (f["repo"], f["path"], f["line"], f["column"], f["rule"], f["message"])


# --- reporting ----------------------------------------------------------------------------------


def short(name: str) -> str:
    return name.split("/", 1)[1]


def print_table(results: list[RepoResult]) -> None:
    rules = sorted({f["rule"] for r in results for f in r.findings})
    width = max([len(short(r.repo.name)) for r in results] + [10])
    header = f"{'repo':<{width}} " + " ".join(f"{rule:>6}" for rule in rules) + f" {'total':>6}"
    print(header)
    print("-" * len(header))
    totals: Counter[str] = Counter()
    for result in results:
        counts = Counter(f["rule"] for f in result.findings)
        totals.update(counts)
        label = (
            short(result.repo.name)
            + (" (skipped)" if result.skipped else "")
            + (" (ERROR)" if result.error else "")
        )
        cells = " ".join(f"{counts[rule] or '.':>6}" for rule in rules)
        print(f"{label:<{width}} {cells} {sum(counts.values()):>6}")
    print("-" * len(header))
    print(
        f"{'total':<{width}} "
        + " ".join(f"{totals[rule]:>6}" for rule in rules)
        + f" {sum(totals.values()):>6}"
    )


def duplicates(findings: Iterable[Finding]) -> dict[tuple[str, str, str, int], int]:
    counts = Counter((f["repo"], f["path"], f["rule"], f["line"]) for f in findings)
    return {key: n for key, n in counts.items() if n > 1}


def report(results: list[RepoResult], findings: list[Finding]) -> None:
    print_table(results)
    print()
    sqk000 = [f for f in findings if f["rule"] == "SQK000"]
    print(f"SQK000 findings: {len(sqk000)}")
    for f in sqk000:
        print(f"  {f['repo']} {f['path']}:{f['line']}:{f['column']} {f['message']}")
    dups = duplicates(findings)
    extra = sum(n - 1 for n in dups.values())
    print(
        f"duplicate findings (same rule, file, line reported more than once): {extra} extra in {len(dups)} places"
    )
    for (repo, path, rule, line), n in sorted(dups.items()):
        print(f"  {repo} {path}:{line} {rule} x{n}")
    for result in results:
        if result.skipped:
            print(f"SKIPPED {result.repo.name}: {result.skipped}")
        if result.missing_blobs:
            print(
                f"note: {result.repo.name}: {len(result.missing_blobs)} file(s) absent from the snapshot, not linted"
            )
        if result.error:
            print(f"ERROR {result.repo.name}: {result.error}")


# --- compare ------------------------------------------------------------------------------------


def _key(f: Finding) -> Key:
    return (f["repo"], f["path"], f["rule"], int(f["line"]), f["message"])


def compare(old_path: Path, new_path: Path) -> int:
    old: list[Finding] = json.loads(old_path.read_text(encoding="utf-8"))
    new: list[Finding] = json.loads(new_path.read_text(encoding="utf-8"))
    old_keys, new_keys = Counter(map(_key, old)), Counter(map(_key, new))
    removed, added = old_keys - new_keys, new_keys - old_keys
    for title, diff in (("removed", removed), ("added", added)):
        print(f"{title}: {sum(diff.values())}")
        for repo, path, rule, line, message in sorted(diff.elements()):
            print(f"  {'-' if title == 'removed' else '+'} {rule} {repo} {path}:{line} {message}")
    before, after = Counter(f["rule"] for f in old), Counter(f["rule"] for f in new)
    print()
    print(f"{'rule':<7} {'before':>7} {'after':>7} {'delta':>7}")
    for rule in sorted(set(before) | set(after)):
        print(f"{rule:<7} {before[rule]:>7} {after[rule]:>7} {after[rule] - before[rule]:>+7}")
    print(
        f"{'total':<7} {sum(before.values()):>7} {sum(after.values()):>7} {sum(after.values()) - sum(before.values()):>+7}"
    )
    return 0


# --- main ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    repos = read_repos(args.repos)
    if args.only:
        wanted = set(args.only)
        repos = [r for r in repos if r.name in wanted or short(r.name) in wanted]
    linter = shlex.split(args.linter)
    if shutil.which(linter[0]) is None and not Path(linter[0]).exists():
        print(f"linter {linter[0]!r} not found: install sqs-kms-lint or pass --linter", file=sys.stderr)
        return 2
    checkout_dir = args.checkout_dir.expanduser()
    config: Path | None = None
    scratch = tempfile.TemporaryDirectory()
    if args.select_all:
        config = Path(scratch.name) / "select-all.yaml"
        config.write_text(SELECT_ALL_CONFIG, encoding="utf-8")

    def one(repo: Repo) -> RepoResult:
        result = RepoResult(repo)
        root, result.skipped, result.missing_blobs = ensure_checkout(repo, args.mirror_root, checkout_dir)
        if root is not None:
            result.findings, result.error = lint(repo, root, linter, config)
        print(f"{repo.name}: {'skipped' if result.skipped else len(result.findings)}", file=sys.stderr)
        return result

    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(one, repos))
    finally:
        scratch.cleanup()
    findings = sorted((f for r in results for f in r.findings), key=sort_key)
    args.out.write_text(json.dumps(findings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    report(results, findings)
    print(f"\n{len(findings)} findings written to {args.out}")
    return 1 if any(r.error for r in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repos", type=Path, default=HERE / "repos.txt", help="pinned repository list")
    parser.add_argument(
        "--mirror-root", type=Path, default=Path("/work/.mirror"), help="where git mirrors live"
    )
    parser.add_argument(
        "--checkout-dir",
        type=Path,
        default=Path("~/.cache/sqs-kms-lint-corpus"),
        help="where extracted trees are kept (one per repository and commit)",
    )
    parser.add_argument("--linter", default="sqs-kms-lint", help="linter command (split like a shell)")
    parser.add_argument(
        "--select-all", action="store_true", help="turn on the opt-in rules (SQK004, SQK202, SQK304)"
    )
    parser.add_argument("--out", type=Path, default=Path("findings.json"), help="where to write the findings")
    parser.add_argument(
        "--only", nargs="+", metavar="REPO", help="lint only these repositories (owner/name or name)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="repositories linted at once")
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="diff two findings files"
    )
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
