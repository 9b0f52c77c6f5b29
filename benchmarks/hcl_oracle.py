"""The fast Terraform front (linter/parsers/hcl_fast.py) against its oracle, python-hcl2, file by file.

    python benchmarks/hcl_oracle.py fixtures tests                  # every .tf and .tfvars under them
    python benchmarks/hcl_oracle.py ~/.cache/sqs-kms-lint-corpus     # real repositories' files
    python benchmarks/hcl_oracle.py DIR --prefiltered               # also as parse_hcl reads them (blanked)
    python benchmarks/hcl_oracle.py DIR --timing                    # and the time of each parser

Each file is read as `parse_body` reads it (heredoc closers made Terraform's), then parsed both ways:
the fast front's tree must be python-hcl2's `parses_to_tree` tree (rules, tokens, layout, positions), or
the front must decline (python-hcl2 then reads the file, as it reads every file without the front).
Prints the counts (identical / declined / MISMATCH) and, for each mismatch, its first difference; exits 1
when there is a mismatch.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from hcl2.api import parses_to_tree
from sqs_kms_lint.parsers import hcl_fast
from sqs_kms_lint.parsers.hcl import close_heredocs_as_terraform
from sqs_kms_lint.parsers.hcl_prefilter import blank_unread_blocks
from sqs_kms_lint.parsers.resource_types import TERRAFORM_READ_TYPES

SUFFIXES = (".tf", ".tfvars")


def files_under(roots: list[Path]) -> list[Path]:
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root)
            continue
        found.update(p for p in root.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
    return sorted(found)


def texts_of(files: list[Path], prefiltered: bool) -> Iterator[tuple[Path, str, str]]:
    """(path, label, text) for each readable file, and its prefiltered text (as parse_hcl reads it) when
    asked: what the oracles compare."""
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        yield path, "", text
        if prefiltered:
            blanked = blank_unread_blocks(text, TERRAFORM_READ_TYPES)
            if blanked:
                yield path, " (prefiltered)", blanked


def compare(text: str, timing: dict[str, float]) -> tuple[str, str]:
    """("identical" | "declined" | "MISMATCH", detail) for one text as parse_body reads it."""
    text = close_heredocs_as_terraform(text)
    started = time.perf_counter()
    fast = hcl_fast.parse_tree(text)
    timing["fast"] += time.perf_counter() - started
    started = time.perf_counter()
    try:
        slow = parses_to_tree(text)
        error = ""
    except Exception as problem:  # (a syntax error: the front must have declined)
        slow, error = (
            None,
            f"{type(problem).__name__}: {str(problem).splitlines()[0] if str(problem) else ''}",
        )
    timing["lark"] += time.perf_counter() - started
    if fast is None:
        return "declined", error or "python-hcl2 reads it"
    if slow is None:
        return "MISMATCH", f"python-hcl2 fails ({error}) where the front made a tree"
    difference = hcl_fast.first_difference(fast, slow)
    return ("MISMATCH", difference) if difference else ("identical", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--prefiltered", action="store_true", help="also compare the blanked text")
    parser.add_argument("--timing", action="store_true", help="print each parser's total time")
    parser.add_argument("--show-declined", action="store_true", help="list the declined files")
    options = parser.parse_args(argv)
    if not hcl_fast.enabled():
        print("the fast front is off (tree-sitter missing, or SQS_KMS_LINT_HCL_PARSER=lark)")
        return 2
    counts = {"identical": 0, "declined": 0, "MISMATCH": 0}
    timing = {"fast": 0.0, "lark": 0.0}
    files = files_under(options.roots)
    for path, label, variant in texts_of(files, options.prefiltered):
        outcome, detail = compare(variant, timing)
        counts[outcome] += 1
        if outcome == "MISMATCH" or (outcome == "declined" and options.show_declined):
            print(f"{outcome} {path}{label}: {detail}")
    total = sum(counts.values())
    print(f"{total} texts from {len(files)} files: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if options.timing:
        print(
            f"parse time: fast front {timing['fast']:.2f} s (declines included), python-hcl2 {timing['lark']:.2f} s"
        )
    return 1 if counts["MISMATCH"] else 0


if __name__ == "__main__":
    sys.exit(main())
