"""Results of tasks kept between runs, so that a run over an unchanged repository parses nothing.

A task (one template, one Terraform module, the JSON documents of one directory) is cached under a key
made of what decides its findings besides its files: the tool (its version and the digest of its own
code, so an edited checkout never reuses stale results), the settings, the size limit and, for a module,
how far its local modules may reach. The entry records everything the task read while it was built:
each file's digest (or why it was not read) and the listing of each directory it looked into (where a
tfvars file or a local module may appear). A later run reuses the entry only when every one of them is
still the same; any difference, or an entry that does not load, and the task is linted afresh.

Entries are JSON (never pickle: the cache directory is data, not code), one file per task, written
atomically. The directory is `--cache-dir`, else `$SQS_KMS_LINT_CACHE_DIR`, else `$XDG_CACHE_HOME/
sqs-kms-lint`, else `~/.cache/sqs-kms-lint`; `--no-cache` neither reads nor writes it. Entries unused
for 30 days are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .engine import Finding, Ignore, Related, Settings, Used
from .model import Span
from .reading import Unreadable, file_digest, listing_digest, read_bytes

FORMAT = 2
MAX_AGE_SECONDS = 30 * 24 * 3600


@dataclass
class Entry:
    """A task's result as kept: its findings, the files it read as infrastructure code, its notes, what
    --show-files says of its files, and the ignores in them with those that suppressed a finding."""

    findings: list[Finding]
    read: list[str]
    notes: list[str]
    files: list[tuple[str, str, str]]
    ignores: list[Ignore]
    used: list[Used]


def default_directory() -> Path:
    configured = os.environ.get("SQS_KMS_LINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sqs-kms-lint"


@cache
def code_digest() -> str:
    """The tool's version and the size and modification time of each of its own files."""
    package = Path(__file__).resolve().parent
    rules = package.parent / "rules" if (package.parent / "rules" / "__init__.py").exists() else None
    entries = [__version__]
    for folder in (package, *(p for p in package.iterdir() if p.is_dir()), *([rules] if rules else [])):
        for path in sorted(folder.glob("*.py")) + sorted(folder.glob("*.json")):
            status = path.stat()
            entries.append(f"{path.relative_to(package.parent)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogateescape")).hexdigest()


def context_digest(settings: Settings, max_bytes: int) -> str:
    """What decides a task's findings besides its inputs: the code, the settings, the size limit."""
    described = json.dumps(
        [FORMAT, code_digest(), dataclasses.asdict(settings), max_bytes], sort_keys=True, default=repr
    )
    return hashlib.sha256(described.encode("utf-8", "surrogateescape")).hexdigest()


class TaskCache:
    """One run's view of the cache directory: `load` a task's result when nothing it read has changed,
    `store` it after linting."""

    def __init__(self, directory: Path, context: str) -> None:
        self.directory = directory / f"v{FORMAT}"
        self.context = context

    def key(self, description: Any) -> str:
        text = json.dumps([self.context, description], sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def load(self, key: str, max_bytes: int) -> Entry | None:
        try:
            data = json.loads(read_bytes(self._path(key), 1 << 30))
            if not all(_unchanged(kind, path, digest, max_bytes) for kind, path, digest in data["inputs"]):
                return None
            result = Entry(
                [_finding(f) for f in data["findings"]],
                [str(f) for f in data["read"]],
                [str(n) for n in data["notes"]],
                [(str(a), str(b), str(c)) for a, b, c in data["files"]],
                [
                    Ignore(str(f), int(n), tuple(str(i) for i in names), str(r))
                    for f, n, names, r in data["ignores"]
                ],
                [(str(f), int(n), str(name)) for f, n, name in data["used"]],
            )
        except (Unreadable, ValueError, KeyError, TypeError):  # (no entry, or one from elsewhere)
            return None
        try:
            os.utime(self._path(key))  # (recently used: not pruned)
        except OSError:
            pass
        return result

    def store(self, key: str, inputs: list[tuple[str, str, str]], result: Entry) -> None:
        entry = {
            "inputs": sorted(set(inputs)),
            "findings": [dataclasses.asdict(f) for f in result.findings],
            "read": result.read,
            "notes": result.notes,
            "files": result.files,
            "ignores": result.ignores,
            "used": result.used,
        }
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as out:
                json.dump(entry, out, separators=(",", ":"))
            os.replace(temporary, path)
        except OSError:  # a read-only or full disk: the run goes on without its cache
            return


def prune(directory: Path) -> None:
    """Remove entries unused for MAX_AGE_SECONDS (at most once a day: a marker file says when)."""
    directory = directory / f"v{FORMAT}"
    marker = directory / ".pruned"
    now = time.time()
    try:
        if now - marker.stat().st_mtime < 24 * 3600:
            return
    except OSError:
        pass
    try:
        directory.mkdir(parents=True, exist_ok=True)
        marker.touch()
        for shard in directory.iterdir():
            if shard.is_dir():
                for entry in shard.iterdir():
                    if now - entry.stat().st_mtime > MAX_AGE_SECONDS:
                        entry.unlink()
    except OSError:
        return


def _unchanged(kind: str, path: str, digest: str, max_bytes: int) -> bool:
    if kind == "directory":
        return listing_digest(Path(path)) == digest
    try:
        return file_digest(read_bytes(Path(path), max_bytes)) == digest
    except Unreadable as error:
        return digest == f"!{error}"


def _span(data: dict) -> Span:
    return Span(**data)


def _finding(data: dict) -> Finding:
    return Finding(
        **{
            **data,
            "span": _span(data["span"]),
            "related": tuple(Related(_span(r["span"]), r["message"]) for r in data["related"]),
        }
    )
