"""Mutated fixtures (bytes cut, repeated, inserted, flipped) beside a sound template: the run ends with
its own exit code, prints no traceback and keeps the sound template's finding. Bounded for CI by the
number of examples; failures are reproducible from hypothesis's printed seed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from sqs_kms_lint.cli import main

from .conftest import FIXTURES

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SOUND = (
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    "  Sound:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
)
SOURCES = sorted(
    p
    for p in FIXTURES.glob("SQK*/*")
    if p.name.startswith(("bad", "good")) and not p.name.endswith(".expect") and p.stat().st_size < 20_000
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    source = draw(st.sampled_from(SOURCES))
    data = bytearray(source.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 64)))
        kind = draw(st.sampled_from(["cut", "repeat", "insert", "flip"]))
        if kind == "cut":
            del data[start:end]
        elif kind == "repeat":
            data[start:start] = data[start:end] * draw(st.integers(2, 50))
        elif kind == "insert":
            data[start:start] = draw(
                st.sampled_from(
                    [b"\x00", b"\xff\xfe", b"${", b"!If [C, a, b]", b"&a", b"*a", b"\f", b"<<EOF\n"]
                )
            )
        elif start < len(data):
            data[start] ^= draw(st.integers(1, 255))
    return source.name, bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated())
def test_mutated_fixtures_neither_crash_nor_cost_the_sound_finding(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / ".git").mkdir()
        (folder / "sound.yaml").write_text(SOUND)
        (folder / name).write_bytes(data)
        here = Path.cwd()
        os.chdir(folder)
        try:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--format", "json", "--fail-on", "never", "."])
        finally:
            os.chdir(here)
    assert code == 0, err.getvalue()
    assert "Traceback" not in err.getvalue()
    found = {(f["rule"], f["resource"], f["file"]) for f in json.loads(out.getvalue())}
    assert ("SQK001", "Sound", "sound.yaml") in found
