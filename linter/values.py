"""Combining the contents a value may take, for every evaluator (CloudFormation intrinsics, Terraform
expressions): a value is a list of options (one per `Fn::If` / `? :` branch), None when unknown.

Combinations are capped: past `MAX_OPTIONS` a value is unknown rather than enumerated, so that a chain of
conditionals cannot grow exponentially. And the work is capped: each unit has a `Budget` of evaluation
steps that both evaluators spend (one per expression evaluated, one per content a concatenation or a
function produces, more for long text and big structures); once it is spent every further value is unknown,
so a small hostile file cannot take minutes, and the unit says so once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from .model import UNKNOWN, Unit

MAX_OPTIONS = 32
# Evaluation steps one unit may take. The fixtures and the real-world corpus stay far below (at most 1,455
# and 8,363: tests/test_budgets.py); a step costs a few microseconds, so the whole budget is well under a
# second of evaluation on a laptop.
MAX_STEPS = 200_000
# Characters of produced text that cost one step: text is charged by its size, so that doubling a string
# at each link of a chain runs out of budget instead of memory.
TEXT_PER_STEP = 100

Options = list[Any] | None  # the contents a value may take; None: not knowable offline


class Budget:
    """The evaluation work one unit may take, shared by every evaluator of the unit (the modules of a
    Terraform unit share one). Once it is spent, `spend` says no and the caller's value is unknown; the
    unit records why, once (`Unit.budget_exhausted`)."""

    def __init__(self, unit: Unit | None = None, limit: int = MAX_STEPS) -> None:
        self.unit = unit
        self.limit = limit
        self.used = 0

    @property
    def exhausted(self) -> bool:
        return self.used > self.limit

    def spend(self, steps: int = 1) -> bool:
        """Count `steps` of work; False once the budget is spent (then every further value is unknown)."""
        if self.used + steps <= self.limit:
            self.used += steps
            return True
        self.used = self.limit + 1  # (what a refused charge would have cost is not work done)
        self.stop(
            f"evaluation stopped after {self.limit:,} steps (the budget of one unit): later values are unknown"
        )
        return False

    def stop(self, reason: str) -> None:
        """Record on the unit why it was not evaluated fully (the first reason only)."""
        if self.unit is not None and self.unit.budget_exhausted is None:
            self.unit.budget_exhausted = reason

    def spend_size(self, content: Any) -> bool:
        """Charge a produced content by its size (nodes of a structure, text by `TEXT_PER_STEP`): a
        structure may share its parts, so its size can be far larger than the work that built it, and
        whoever reads it later walks all of it. The walk stops where the budget does."""
        if self.exhausted:
            return False
        size = size_within(content, self.limit - self.used + 1)
        return self.spend(size)


def size_within(content: Any, limit: int) -> int:
    """The size of a content (one per node, text one per `TEXT_PER_STEP` characters), counted up to just
    past `limit` (iteratively: a structure may be deeper than Python's recursion limit)."""
    size = 0
    stack = [content]
    while stack and size <= limit:
        node = stack.pop()
        size += 1
        if isinstance(node, str):
            size += len(node) // TEXT_PER_STEP
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return size


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
    budget: Budget | None = None,
) -> Options:
    """Every string the pieces can form, joined by `delimiter`; None when a piece is unknown, is not
    text or a number, when `refuse` rejects a result, or when the budget runs out (each result costs a
    step, and its length). With `whole_piece`, a lone piece is the value itself (Terraform's
    `"${aws_kms_key.k.arn}"` is the reference, `"${60}"` the number)."""
    if any(p is None for p in pieces) or combinations(pieces) > MAX_OPTIONS:
        return None
    known = [p for p in pieces if p is not None]
    if whole_piece and len(known) == 1:
        return known[0]
    results: list[Any] = []
    for combination in itertools.product(*known):
        if not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in combination):
            return None
        texts = [str(c) for c in combination]
        length = sum(map(len, texts)) + len(delimiter) * (len(texts) - 1)
        if budget is not None and not budget.spend(1 + length // TEXT_PER_STEP):
            return None  # (charged before the text is made: it may be huge)
        text = delimiter.join(texts)
        if refuse is not None and refuse(text):
            return None
        if text not in results:
            results.append(text)
    return results
