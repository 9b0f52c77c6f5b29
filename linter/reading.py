"""Reading a file a pull request may have planted: only a regular file (a FIFO or a device named like a
template must not block or flood the run), only up to a size limit, decoded by its byte order mark or,
without one, by the pattern of its zero bytes (UTF-16 and UTF-32 without BOM), else as UTF-8."""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from pathlib import Path

DEFAULT_MAX_BYTES = 50 << 20  # plans of large estates run to tens of MB; see README "Hostile input"


class Unreadable(Exception):
    """Why a file is not read: not a regular file, too large, or an OS error."""


# What a task read, while it is recorded (linter/cache.py): ("file", path, digest of the bytes or why they
# were not read) and ("directory", path, digest of its listing), so that a cached result is reused only
# when every one of them is still the same.
_recording: list[tuple[str, str, str]] | None = None


def start_recording() -> None:
    global _recording
    _recording = []


def stop_recording() -> list[tuple[str, str, str]]:
    global _recording
    recorded, _recording = _recording or [], None
    return recorded


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def listing_digest(directory: Path) -> str:
    """A digest of a directory's entries (names and whether each is a directory), or why it has none."""
    try:
        with os.scandir(directory) as entries:
            names = sorted(f"{e.name}/" if e.is_dir() else e.name for e in entries)
    except OSError as error:
        return f"!{error.strerror or type(error).__name__}"
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()


def record_listing(directory: Path) -> None:
    """Note, while a task is recorded, that what it read depends on the entries of `directory` (a module
    directory, where tfvars files and local modules may appear)."""
    if _recording is not None:
        _recording.append(("directory", str(directory), listing_digest(directory)))


def read_bytes(path: Path, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes; Unreadable when it is not a regular file, is larger than `limit`, or fails."""
    if _recording is None:
        return _read_bytes(path, limit)
    try:
        data = _read_bytes(path, limit)
    except Unreadable as error:
        _recording.append(("file", str(path), f"!{error}"))
        raise
    _recording.append(("file", str(path), file_digest(data)))
    return data


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise Unreadable(f"cannot read the file: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable("not a regular file")
        if status.st_size > limit:
            raise Unreadable(f"{_megabytes(status.st_size)} is above the size limit of {_megabytes(limit)}")
        chunks, total = [], 0
        while True:
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # (the file grew while we read it)
                raise Unreadable(f"more than the size limit of {_megabytes(limit)}")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise Unreadable(f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB"


_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> tuple[str, int]:
    """The encoding and the length of the BOM to skip: by BOM, else by where the zero bytes of ASCII
    text fall in the first bytes (`x\\0\\0\\0` UTF-32LE, `\\0\\0\\0x` UTF-32BE, `x\\0` UTF-16LE, `\\0x`
    UTF-16BE), else UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    head = data[:4]
    if len(head) == 4 and b"\0" in head:
        if head[1:] == b"\0\0\0" and head[0]:
            return "utf-32-le", 0
        if head[:3] == b"\0\0\0" and head[3]:
            return "utf-32-be", 0
        if head[1] == 0 and head[3] == 0 and head[0] and head[2]:
            return "utf-16-le", 0
        if head[0] == 0 and head[2] == 0 and head[1] and head[3]:
            return "utf-16-be", 0
    return "utf-8", 0


def decode(data: bytes) -> str:
    """The text of `data` (UnicodeDecodeError when its encoding does not hold, e.g. an odd length)."""
    encoding, skip = encoding_of(data)
    return data[skip:].decode(encoding)


def contains(data: bytes, markers: tuple[str, ...]) -> bool:
    """Whether any marker appears in `data` in its own encoding (for deciding whether a file that does
    not decode was meant for AWS and deserves an SQK000)."""
    encoding, _ = encoding_of(data)
    encodings = {encoding, "utf-8"}
    return any(marker.encode(e) in data for marker in markers for e in encodings)
