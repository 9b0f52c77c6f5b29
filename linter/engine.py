"""The rule registry and the engine: rules report a resource or value, the engine stamps the rest.

A rule module in `sqs_kms_lint.rules` documents itself in its docstring and exposes one generator
decorated with `@rule(...)`. The registry discovers them; the rule list, `--list-rules`, `--explain`, the
docs and SARIF's `rules[]` all read the same `Rule` objects.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from .model import Resource, Span, Unit, Value

SEVERITIES = ("note", "warning", "error")
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options", "References")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # default severity when enabled
    check: Callable[[Unit, Context], Iterable[Finding]]
    doc: str
    options: dict[str, Any] = field(
        default_factory=dict
    )  # option name -> default (its type is the default's)
    opt_in: bool = False  # off unless the configuration turns it on
    tags: tuple[str, ...] = ("security",)
    precision: str = "high"  # SARIF: very-high, high, medium, low

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name

    def section(self, title: str) -> str:
        """The body of one `## title` section of the rule's documentation."""
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else ""


def rule(
    code: str,
    name: str,
    severity: str,
    *,
    options: dict[str, Any] | None = None,
    opt_in: bool = False,
    tags: tuple[str, ...] = ("security",),
    precision: str = "high",
) -> Callable[[Callable], Callable]:
    """Register the decorated generator as rule `code`; its module docstring is the rule's doc."""

    def decorate(check: Callable) -> Callable:
        module = importlib.import_module(check.__module__)
        check.rule = Rule(  # type: ignore[attr-defined]
            code, name, severity, check, module.__doc__ or "", dict(options or {}), opt_in, tags, precision
        )
        return check

    return decorate


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule module of `sqs_kms_lint.rules`, sorted by code."""
    package = importlib.import_module("sqs_kms_lint.rules")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for attribute in vars(module).values():
            if isinstance(getattr(attribute, "rule", None), Rule):
                found.append(attribute.rule)
    return tuple(sorted(found, key=lambda r: r.code))


def find_rule(code_or_name: str) -> Rule | None:
    wanted = code_or_name.strip()
    return next((r for r in all_rules() if wanted.upper() == r.code or wanted.lower() == r.name), None)


@dataclass(frozen=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    message: str
    span: Span
    resource: str = ""
    related: tuple[Related, ...] = ()
    fingerprint: str = ""
    suppressed: bool = False
    justification: str = ""
    # Against a --baseline: "new", or "unchanged" when the baseline records the fingerprint; None when
    # the run compares with no baseline (SARIF's result.baselineState).
    baseline_state: str | None = None

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)


@dataclass(frozen=True)
class RuleSettings:
    severity: str | None = None  # None: the rule's default; "off": disabled
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """What the configuration says; the CLI builds it from `.sqs-kms-lint.yaml` and flags."""

    rules: dict[str, RuleSettings] = field(default_factory=dict)  # by rule code
    account_id: str | None = None
    fail_on: str = "warning"
    exclude: tuple[str, ...] = ()

    def severity(self, rule: Rule) -> str:
        configured = self.rules.get(rule.code, RuleSettings()).severity
        if configured is not None:
            return configured
        if rule.opt_in:
            return "off"
        return rule.severity

    def options(self, rule: Rule) -> dict[str, Any]:
        return {**rule.options, **self.rules.get(rule.code, RuleSettings()).options}


class Context:
    """What a rule sees besides the unit: its options, and `report`."""

    def __init__(self, rule: Rule, options: dict[str, Any]) -> None:
        self.rule = rule
        self.options = options

    def report(
        self,
        resource: Resource | None,
        message: str,
        at: Value | Span | None = None,
        related: Iterable[tuple[Value | Span | Resource, str]] = (),
    ) -> Finding:
        """A finding on `at` (a value or span) when given, else on the resource."""
        span = _span(at) if at is not None else resource.span if resource else None
        if span is None:
            raise ValueError(f"{self.rule.code}: a finding needs a place")
        if isinstance(at, Value) and at.related:  # where the value came from (a tfvars file, a default)
            related = [*related, *at.related]
        return Finding(
            self.rule.code,
            self.rule.name,
            self.rule.severity,
            message,
            span,
            resource.name if resource else "",
            tuple(Related(_span(where), text) for where, text in related),
        )


def _span(where: Value | Span | Resource) -> Span:
    return where if isinstance(where, Span) else where.span


# Linear on any input: names are runs of [\w-] separated by commas; the reason follows " -- ".
_IGNORE = re.compile(r"sqs-kms-lint:[ \t]*ignore[ \t]+([\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)(?:[ \t]+--(.*))?")


def suppressed_by(names: Iterable[str], rule: Rule) -> bool:
    """Whether ignore names (codes or names, any case, or "all") cover `rule`."""
    return any(_covers(name, rule) for name in names)


def _covers(name: str, rule: Rule) -> bool:
    return name.strip().lower() in (rule.code.lower(), rule.name, "all")


Used = tuple[
    str, int, str
]  # (file, line, name): a name of the ignore on that line (inline, or a resource's Metadata) suppressed a finding


class Ignore(NamedTuple):
    """An ignore met in a linted file: an inline comment, or a CloudFormation resource's Metadata (then
    `resource` names the resource, and `line` is the resource's)."""

    file: str
    line: int
    names: tuple[str, ...]  # as written, in order
    resource: str = ""


class SourceLines:
    """The linted files' lines, read once per file: inline suppressions
    (`# sqs-kms-lint: ignore SQK101 -- reason`) and the text fingerprints are made of.

    Lines are split at "\\n" only, as every parser counts them (`str.splitlines` would also split at a
    form feed or a Unicode line separator and shift every line after it). Each line is searched for an
    ignore once, however many findings land on it (a minified template has one line). `used` records
    which names of which ignores suppressed a finding (`run` adds them), for the suppression hygiene
    notes (`ignore_notes`)."""

    def __init__(self, reader: Callable[[str], str | None]) -> None:
        self.reader = reader
        self.cache: dict[str, list[str]] = {}
        self._ignores: dict[tuple[str, int], tuple[tuple[str, ...], str] | None] = {}
        self.used: set[Used] = set()

    def lines(self, file: str) -> list[str]:
        if file not in self.cache:
            self._split(file, self.reader(file))
        return self.cache[file]

    def _split(self, file: str, text: str | None) -> list[str]:
        self.cache[file] = [line.removesuffix("\r") for line in text.split("\n")] if text else []
        return self.cache[file]

    def text(self, file: str, line: int, column: int = 1) -> str:
        """The line's text; of a long line (minified JSON, a plan), the part where the finding starts."""
        lines = self.lines(file)
        if not 1 <= line <= len(lines):
            return ""
        text = lines[line - 1]
        if len(text) > _LONG_LINE:
            text = text[max(column - 1, 0) : max(column - 1, 0) + _LONG_LINE]
        return text.strip()

    def ignores(self, file: str, line: int) -> Iterator[tuple[int, tuple[str, ...], str]]:
        """The inline ignores that apply to `line`: (the line they are on, names, reason), its own first."""
        for number in (line, line - 1):
            found = self._ignore_on(file, number)
            if found is not None:
                yield (number, *found)

    def ignores_in(self, file: str) -> list[Ignore]:
        """Every inline ignore of `file` (a file without one is not kept in memory)."""
        lines = self.cache.get(file)
        if lines is None:
            text = self.reader(file)
            if not text or "sqs-kms-lint" not in text:
                return []
            lines = self._split(file, text)
        found = []
        for number, line in enumerate(lines, start=1):
            if "sqs-kms-lint" in line:
                ignore = self._ignore_on(file, number)
                if ignore is not None:
                    found.append(Ignore(file, number, ignore[0]))
        return found

    def _ignore_on(self, file: str, number: int) -> tuple[tuple[str, ...], str] | None:
        if (file, number) not in self._ignores:
            lines = self.lines(file)
            found = None
            if 1 <= number <= len(lines) and "sqs-kms-lint" in lines[number - 1]:
                match = _IGNORE.search(lines[number - 1])
                if match:
                    names = tuple(dict.fromkeys(n.strip() for n in match.group(1).split(",") if n.strip()))
                    found = (names, (match.group(2) or "").strip())
            self._ignores[(file, number)] = found
        return self._ignores[(file, number)]


_LONG_LINE = 500  # characters of a line a fingerprint takes at most


def run(unit: Unit, settings: Settings, source: SourceLines | None = None) -> list[Finding]:
    """Every finding of every enabled rule on `unit`, stamped, fingerprinted and sorted."""
    resources = {r.name: r for r in unit.resources()}
    findings: list[Finding] = []
    for rule_ in all_rules():
        severity = settings.severity(rule_)
        if severity == "off":
            continue
        context = Context(rule_, settings.options(rule_))
        for finding in rule_.check(unit, context):
            finding = replace(finding, severity=severity)
            resource = resources.get(finding.resource)
            if resource is not None and suppressed_by(set(resource.ignores), rule_):
                finding = replace(
                    finding, suppressed=True, justification="resource Metadata sqs-kms-lint ignore"
                )
                if source is not None:  # (the Metadata ignore is known by its resource's place, see Ignore)
                    span = resource.span
                    source.used.update(
                        (span.file, span.line, n) for n in resource.ignores if _covers(n, rule_)
                    )
            elif source is not None:
                file = finding.span.file
                for number, names, reason in source.ignores(file, finding.span.line):
                    if suppressed_by(names, rule_):
                        finding = replace(finding, suppressed=True, justification=reason or "inline ignore")
                        source.used.update((file, number, n) for n in names if _covers(n, rule_))
                        break
            findings.append(finding)
    return _fingerprinted(sorted(set(findings), key=Finding.sort_key), source)


def ignore_notes(
    seen: Iterable[Ignore], used: Collection[Used], ran: Collection[str], judge_all: bool
) -> list[str]:
    """Suppression hygiene (as ruff's unused-noqa), said as notes since the rule catalogue has no ID for
    it: each name of an ignore that is no rule's ID or name nor `all`, and the names of an ignore (inline,
    or in a resource's Metadata) that suppressed no finding in this run. Only names it can judge count as unused: rules that ran
    (codes in `ran`), and `all` when `judge_all` (every rule the configuration turns on ran)."""

    def judged(name: str) -> bool:
        if name.lower() == "all":
            return judge_all
        rule_ = find_rule(name)
        return rule_ is not None and rule_.code in ran

    notes = []
    for ignore in sorted(set(seen)):
        where = f"{ignore.file}:{ignore.line}"
        kind = f"Metadata ignore of resource {ignore.resource}" if ignore.resource else "inline ignore"
        for name in ignore.names:
            if name.lower() != "all" and find_rule(name) is None:
                notes.append(f"{where}: {kind} names an unknown rule '{name}'")
        unused = [n for n in ignore.names if judged(n) and (ignore.file, ignore.line, n) not in used]
        if unused and ignore.resource:
            notes.append(
                f"{where}: Metadata ignore of {', '.join(unused)} in resource {ignore.resource} suppressed nothing"
            )
        elif unused:
            notes.append(f"{where}: inline ignore of {', '.join(unused)} suppressed nothing")
    return notes


# `module.a.` / `module.b["x"].` prefixes: where a local module's resource was reached from.
_MODULE_PATH = re.compile(r"^(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)+")


def deduplicated(findings: list[Finding], source: SourceLines | None) -> list[Finding]:
    """One finding per rule and place. A local module linted as its own root and again inside each
    caller (`module.X.`) reports the same line several times; several senders may fault one key policy.
    The finding of the shortest address stays, and names the others; fingerprints are numbered afresh
    (their digests, which `run` made from the same rule, file, resource and line, are kept)."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        place = (finding.code, finding.span.file, finding.span.line, finding.span.column)
        groups.setdefault(place, []).append(finding)
    merged = []
    for group in groups.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        group.sort(key=lambda f: (f.suppressed, f.resource.count("module."), f.resource, f.message))
        kept = group[0]
        # what the others add: their related places (other senders, say), and their module instances
        kept = replace(kept, related=tuple(dict.fromkeys(r for f in group for r in f.related)))
        others = sorted({f.resource for f in group[1:] if f.resource and f.resource != kept.resource})
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            kept = replace(kept, message=f"{kept.message} (also for {shown})")
        merged.append(kept)
    return _fingerprinted(sorted(merged, key=Finding.sort_key), source, reuse=True)


def _fingerprinted(findings: list[Finding], source: SourceLines | None, reuse: bool = False) -> list[Finding]:
    """Fingerprints from what a finding is, not where: the rule, the file, the resource and the text of
    the line it lands on (as GitHub hashes a line), so moving lines or rewording messages keeps them;
    a repeat of the same basis gets its index. With `reuse`, a finding that has a fingerprint keeps its
    digest (no source line read again: a cached result's findings come with theirs)."""
    seen: dict[str, int] = {}
    stamped = []
    for finding in findings:
        if reuse and finding.fingerprint:
            digest = finding.fingerprint.partition(":")[0]
            seen[digest] = seen.get(digest, 0) + 1
            numbered = f"{digest}:{seen[digest]}"
            stamped.append(
                finding if numbered == finding.fingerprint else replace(finding, fingerprint=numbered)
            )
            continue
        line_text = (
            source.text(finding.span.file, finding.span.line, finding.span.column)
            if source is not None
            else ""
        )
        # a module's resource is the same whichever caller reached it
        resource = _MODULE_PATH.sub("", finding.resource)
        basis = "|".join((finding.code, Path(finding.span.file).as_posix(), resource, line_text))
        digest = hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        stamped.append(replace(finding, fingerprint=f"{digest}:{seen[digest]}"))
    return stamped
