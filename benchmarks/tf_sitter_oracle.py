"""The Terraform reader on tree-sitter's tree (linter/parsers/tf_sitter.py) against its oracle, python-hcl2's
Lark tree as read and evaluated before, file by file:

    python benchmarks/tf_sitter_oracle.py fixtures tests                 # every .tf and .tfvars under them
    python benchmarks/tf_sitter_oracle.py ~/.cache/sqs-kms-lint-corpus    # real repositories' files
    python benchmarks/tf_sitter_oracle.py DIR --prefiltered              # also as parse_hcl reads them

Each text is read both ways; the two must give the same blocks, labels and positions, and every attribute
the same evaluated contents (with the places of objects), reference path and error (the comparison of
tests/test_tf_sitter.py). Or tree-sitter's reader declines (python-hcl2 then reads the file, as before).
Prints the counts (same / declined / python-hcl2 fails / MISMATCH) and each mismatch; exits 1 on one.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hcl_oracle import files_under, texts_of  # noqa: E402  (beside this script)
from sqs_kms_lint.parsers import hcl, hcl_fast, tf_sitter  # noqa: E402
from sqs_kms_lint.parsers.located import DecodeError  # noqa: E402

from tests.test_tf_sitter import _evaluated, _shape  # noqa: E402


def compare(text: str, name: str) -> tuple[str, str]:
    text = hcl.close_heredocs_as_terraform(text)
    fast = tf_sitter.parse_body(text, name)
    os.environ[hcl_fast.PARSER_VARIABLE] = "lark"
    try:
        slow = hcl.parse_body(text, name)
    except DecodeError as error:
        slow = None
        problem = error.message
    finally:
        del os.environ[hcl_fast.PARSER_VARIABLE]
    if slow is None:
        return ("fails", problem) if fast is None else ("fails, tree-sitter reads", problem)
    if fast is None:
        return "declined", ""
    if _shape(fast) != _shape(slow):
        return "MISMATCH", "blocks or positions differ"
    try:
        mine, theirs = _evaluated(fast), _evaluated(slow)
    except RecursionError:
        return "declined", "too deep to compare"
    if mine != theirs:
        first = next(k for k in list(mine) + list(theirs) if mine.get(k) != theirs.get(k))
        return (
            "MISMATCH",
            f"{first}: {str(mine.get(first))[:200]} / python-hcl2 {str(theirs.get(first))[:200]}",
        )
    return "same", ""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--prefiltered", action="store_true")
    options = parser.parse_args()
    os.environ.pop(hcl_fast.PARSER_VARIABLE, None)
    if not tf_sitter.enabled():
        print("tree-sitter is missing")
        return 2
    counts: dict[str, int] = {}
    files = files_under(options.roots)
    for path, label, variant in texts_of(files, options.prefiltered):
        outcome, detail = compare(variant, path.name)
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome in ("MISMATCH", "fails, tree-sitter reads"):
            print(f"{outcome} {path}{label}: {detail}")
    print(
        f"{sum(counts.values())} texts from {len(files)} files: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    return 1 if counts.get("MISMATCH") else 0


if __name__ == "__main__":
    sys.exit(main())
