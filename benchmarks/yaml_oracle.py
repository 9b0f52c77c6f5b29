"""Our YAML loader against cfn-lint's, over every YAML file of a directory tree: same values, types, marks
and errors, or the first difference.

    python benchmarks/yaml_oracle.py                       # the real-world corpus extracts
    python benchmarks/yaml_oracle.py fixtures tests DIR    # any trees
    python benchmarks/yaml_oracle.py --exact ...           # our loader's second path (_ExactLoader) alone

Each `.yaml`, `.yml` and `.template` file (UTF-8, else skipped) is decoded by the decoder as it was
(tests/yaml_reference.py: cfn-lint's loader) and by ours (`located.decode_yaml`). A file counts as
identical (the same document), both-refused (the same DecodeError message, line and column) or a MISMATCH,
printed with its first difference. The decoding times of the two are summed (the oracle's first call
pays for importing cfn-lint: it is made before the clock starts, and what it
imported is kept out of the garbage collector's way). Exit status 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("~/.cache/sqs-kms-lint-corpus").expanduser()
SUFFIXES = {".yaml", ".yml", ".template"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS], help="directories or files")
    parser.add_argument("--exact", action="store_true", help="build every document with _ExactLoader")
    parser.add_argument("--show", type=int, default=20, help="mismatches printed in full (default 20)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # (tests.yaml_reference; sqs_kms_lint comes from the installed package)
    from sqs_kms_lint.parsers import yaml_located
    from sqs_kms_lint.parsers.located import decode_yaml

    from tests.yaml_reference import Refusal, decode_yaml_with_cfn_lint, decoded, first_difference

    if args.exact:
        read = yaml_located._read

        def unbuilt(*limits: Any) -> Any:
            read(*limits)
            return yaml_located._UNBUILT

        yaml_located._read = unbuilt  # type: ignore[assignment]

    decoded(decode_yaml_with_cfn_lint, "a: !Ref b")  # (imports cfn-lint)
    gc.collect()
    gc.freeze()  # (cfn-lint's modules out of every collection: a full one took 0.1 s, whoever paid it)
    counts = {"identical": 0, "both refused": 0, "MISMATCH": 0, "not UTF-8": 0}
    seconds = {"cfn-lint": 0.0, "ours": 0.0}
    for path in _files(args.paths):
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            counts["not UTF-8"] += 1
            continue
        start = time.perf_counter()
        expected = decoded(decode_yaml_with_cfn_lint, text)
        middle = time.perf_counter()
        found = decoded(decode_yaml, text)
        seconds["cfn-lint"] += middle - start
        seconds["ours"] += time.perf_counter() - middle
        difference = first_difference(expected, found)
        if difference is not None:
            counts["MISMATCH"] += 1
            if counts["MISMATCH"] <= args.show:
                print(f"MISMATCH {path}: {difference}")
        elif isinstance(expected, Refusal):
            counts["both refused"] += 1
        else:
            counts["identical"] += 1
    files = sum(counts.values())
    print(f"{files} files: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
    print(
        f"decoding: cfn-lint's loader {seconds['cfn-lint']:.2f} s, ours {seconds['ours']:.2f} s"
        + (" (all by _ExactLoader)" if args.exact else "")
    )
    return 1 if counts["MISMATCH"] else 0


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        else:
            print(f"(no such file or directory: {path})", file=sys.stderr)
    return sorted(found)


if __name__ == "__main__":
    sys.exit(main())
