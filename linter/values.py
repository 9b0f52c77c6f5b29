"""Combining the contents a value may take, for every evaluator (CloudFormation intrinsics, Terraform
expressions): a value is a list of options (one per `Fn::If` / `? :` branch), None when unknown.

Combinations are capped: past `MAX_OPTIONS` a value is unknown rather than enumerated, so that a chain of
conditionals cannot grow exponentially.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from .model import UNKNOWN

MAX_OPTIONS = 32

Options = list[Any] | None  # the contents a value may take; None: not knowable offline


def single(options: Options) -> Any:
    """The one content of a value, UNKNOWN when it is unknown or may take several."""
    return options[0] if options is not None and len(options) == 1 else UNKNOWN


def combinations(pieces: list[Options]) -> int:
    """How many combinations of the pieces' options there are (an unknown piece counts once)."""
    count = 1
    for piece in pieces:
        count *= max(len(piece or []), 1)
        if count > MAX_OPTIONS:
            return count
    return count


def merge_branches(
    branches: Iterable[Options], same: Callable[[Any, Any], bool] = lambda a, b: a == b
) -> Options:
    """Every content any branch may take, each once (`same` says when two are one); None when a branch
    is unknown (later branches are then not evaluated) or there are too many."""
    merged: list[Any] = []
    for branch in branches:
        if branch is None:
            return None
        merged.extend(o for o in branch if not any(same(o, m) for m in merged))
        if len(merged) > MAX_OPTIONS:
            return None
    return merged


def concatenate(
    pieces: list[Options],
    delimiter: str = "",
    *,
    whole_piece: bool = False,
    refuse: Callable[[str], bool] | None = None,
) -> Options:
    """Every string the pieces can form, joined by `delimiter`; None when a piece is unknown, is not
    text or a number, or when `refuse` rejects a result. With `whole_piece`, a lone piece is the value
    itself (Terraform's `"${aws_kms_key.k.arn}"` is the reference, `"${60}"` the number)."""
    if any(p is None for p in pieces) or combinations(pieces) > MAX_OPTIONS:
        return None
    known = [p for p in pieces if p is not None]
    if whole_piece and len(known) == 1:
        return known[0]
    results: list[Any] = []
    for combination in itertools.product(*known):
        if not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in combination):
            return None
        text = delimiter.join(str(c) for c in combination)
        if refuse is not None and refuse(text):
            return None
        if text not in results:
            results.append(text)
    return results
