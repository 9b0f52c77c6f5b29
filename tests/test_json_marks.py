"""Our JSON decoder against cfn-lint's (cfn_json), the oracle it follows: the same values, and the same
marks on every object, array and key of every JSON file of the fixtures and tests, and the same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_json
from sqs_kms_lint.parsers.located import DecodeError, decode_json, key_span, span_of

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("fixtures", "tests")
    for p in (ROOT / folder).rglob("*.json")
    if p.stat().st_size < 2_000_000
)


def _oracle(text: str) -> Any:
    return cfn_json.loads(text)


def _walk(ours: Any, theirs: Any, path: str) -> None:
    assert type(ours) is not type(theirs) or ours == theirs, path
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        assert list(ours) == list(theirs), path
        assert span_of(ours, "f") == span_of(theirs, "f"), path
        for key in theirs:
            assert key_span(ours, key, "f", None) == span_of(key, "f"), f"{path}.{key}"  # type: ignore[arg-type]
            _walk(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), path
        assert span_of(ours, "f") == span_of(theirs, "f"), path
        for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
            _walk(mine, other, f"{path}[{index}]")
    else:
        assert ours == theirs and type(ours) is type(theirs) or str(ours) == str(theirs), path


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_marks_and_values_match_cfn_lint(path: Path) -> None:
    text = path.read_text("utf-8", errors="replace")
    try:
        theirs = _oracle(text)
    except Exception:  # noqa: BLE001 (cfn-lint refuses it: so must we)
        with pytest.raises(DecodeError):
            decode_json(text)
        return
    _walk(decode_json(text), theirs, "$")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": {"c": [1, {"d": "e"}]}}',
        '{\n  "wide": {' + ", ".join(f'"k{i}": {i}' for i in range(40)) + "}\n}",
        '{"\\u00e9t\\u00e9": 1, "multi\\nline": {"x": []}}',
        '{"a":\n\n  {"b":\n 1}}',
        "[]",
        "{}",
    ],
)
def test_marks_match_on_small_shapes(text: str) -> None:
    _walk(decode_json(text), _oracle(text), "$")


def test_a_duplicate_key_is_reported_at_its_second_occurrence() -> None:
    """On the duplicate's own line (cfn_json counts lines its own way and says line 3), at the column
    cfn_json gives (one past the quote)."""
    text = '{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}'
    with pytest.raises(DecodeError) as error:
        decode_json(text)
    assert (error.value.message, error.value.line, error.value.column) == (
        'JSON error: Duplicate found "a"',
        4,
        4,
    )
