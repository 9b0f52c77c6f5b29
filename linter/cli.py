"""The command line: `sqs-kms-lint [PATH ...]`. Exit 0: clean; 1: findings at or above --fail-on;
2: usage error, bad configuration, or an internal error."""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import re
import sys
import traceback
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import __version__
from .config import ConfigError
from .engine import (
    SEVERITIES,
    Finding,
    Ignore,
    Rule,
    RuleSettings,
    Settings,
    SourceLines,
    Used,
    all_rules,
    deduplicated,
    find_rule,
    ignore_notes,
    run,
)
from .output import FORMATS, KEEPS_BASELINED, render
from .output.text import printable
from .reading import DEFAULT_MAX_BYTES, Unreadable, read_bytes

if TYPE_CHECKING:
    from . import discover
    from .discover import Task
    from .model import Unit

_FAIL_ON = (*SEVERITIES, "never")


class UsageError(Exception):
    """A command line that cannot be carried out (exit code 2)."""


def _rules_named(flag: str, text: str) -> list[Rule]:
    rules = []
    for name in (n.strip() for n in text.split(",")):
        if name:
            rule = find_rule(name)
            if rule is None:
                raise UsageError(f"{flag}: unknown rule {name!r} (see --list-rules)")
            rules.append(rule)
    return rules


def _with_rule_flags(
    settings: Settings, select: str | None, ignore: str | None, enable: str | None
) -> Settings:
    """--select, --ignore and --enable over the configuration (as ruff's): the command line wins."""
    rules = dict(settings.rules)

    def turned_on(rule: Rule) -> RuleSettings:
        current = rules.get(rule.code, RuleSettings())
        severity = current.severity if current.severity not in (None, "off") else rule.severity
        return RuleSettings(severity=severity, options=current.options)

    for rule in _rules_named("--enable", enable or ""):
        rules[rule.code] = turned_on(rule)
    if select is not None:
        chosen = {rule.code for rule in _rules_named("--select", select)}
        for rule in all_rules():
            if rule.code in chosen:
                rules[rule.code] = turned_on(rule)
            else:
                rules[rule.code] = RuleSettings(severity="off")
    for rule in _rules_named("--ignore", ignore or ""):
        rules[rule.code] = RuleSettings(severity="off")
    return replace(settings, rules=rules)


def _reports(formats: list[str], output: str | None) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) for each --format; --output is the file of the one without."""
    reports: list[tuple[str, str | None]] = []
    for given in formats:
        name, _, target = given.partition(":")
        if name not in FORMATS:
            raise UsageError(f"--format: unknown format {name!r} (choose from {', '.join(sorted(FORMATS))})")
        reports.append((name, target or None))
    to_stdout = [i for i, (_, target) in enumerate(reports) if target is None]
    if output is not None:
        if len(to_stdout) != 1:
            raise UsageError("--output: give it with exactly one --format that names no file")
        reports[to_stdout[0]] = (reports[to_stdout[0]][0], output)
    elif len(to_stdout) > 1:
        raise UsageError("--format: only one report can go to stdout; give the others a file (FORMAT:FILE)")
    return reports


def _colour(refused: bool) -> bool:
    """Colour on a terminal unless refused (--no-color, NO_COLOR); FORCE_COLOR forces it (no-color.org)."""
    if refused or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        return os.cpu_count() or 1


_EPILOG = """\
exit codes:
  0  no finding at or above --fail-on (default: warning)
  1  at least one such finding
  2  usage error, unreadable or invalid configuration or baseline, internal error
     (nothing inside a linted file: a file that cannot be parsed is an SQK000 finding)

examples:
  sqs-kms-lint                                   lint the current directory
  sqs-kms-lint infra/ --format sarif -o results.sarif
  sqs-kms-lint -f text -f junit:junit.xml        the log, and a test report for the CI
  sqs-kms-lint --baseline baseline.json          only findings not recorded by --write-baseline
  sqs-kms-lint --show-files                      which files were read as what, which skipped and why
  sqs-kms-lint main.tf                           a .tf file brings its whole module
  terraform show -json plan.out > plan.json && sqs-kms-lint plan.json
  sqs-kms-lint --explain SQK203                  what a rule checks, and why
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sqs-kms-lint",
        description=(
            "Lint the encryption at rest of AWS SQS queues: CloudFormation (YAML, JSON, SAM, CDK output), "
            "Terraform (HCL modules, *.tf.json, plan JSON from `terraform show -json`) and raw AWS JSON "
            "(AWS CLI output, snapshots), checking each queue against its KMS key and key policy."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument(
        "--format",
        "-f",
        action="append",
        metavar="FORMAT[:FILE]",
        help=f"output format: {'; '.join(f'{name} ({what})' for name, (_, what) in FORMATS.items())}; to "
        "FILE if given (its directory is created); repeat it for several reports from one run, e.g. "
        "-f github -f sarif:results.sarif",
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the report (of the format given no FILE) to FILE"
    )
    parser.add_argument("--fail-on", choices=_FAIL_ON, help="lowest severity that makes the exit code 1")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: .sqs-kms-lint.yaml)")
    parser.add_argument("--account-id", metavar="ID", help="the account the templates deploy to")
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not recorded in FILE (SARIF keeps the others, as baselineState "
        "unchanged); stderr says how many were hidden and how many entries matched nothing",
    )
    parser.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE")
    parser.add_argument(
        "--max-file-size",
        metavar="MB",
        type=int,
        default=DEFAULT_MAX_BYTES >> 20,
        help="skip (with a note) files larger than this many megabytes (default: %(default)s)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        metavar="N",
        type=int,
        default=_cpus(),
        help="parse and lint in N processes (default: the CPU count, %(default)s); the report is the same",
    )
    parser.add_argument(
        "--select",
        metavar="RULES",
        help="run only these rules (IDs or names, comma-separated; opt-in ones too)",
    )
    parser.add_argument(
        "--ignore", metavar="RULES", help="do not run these rules (IDs or names, comma-separated)"
    )
    parser.add_argument(
        "--enable",
        metavar="RULES",
        help="also run these opt-in rules, at their default severity (e.g. SQK202)",
    )
    parser.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    parser.add_argument("--explain", metavar="RULE", help="print a rule's documentation and exit")
    parser.add_argument(
        "--no-color",
        action="store_true",
        help="never colour the text output (also NO_COLOR; FORCE_COLOR forces it)",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="text output: the findings, no summary line"
    )
    parser.add_argument(
        "--show-files",
        action="store_true",
        help="list on stderr every file looked at: read as what, or skipped and why",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache of results of unchanged files",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where results of unchanged files are kept (default: $SQS_KMS_LINT_CACHE_DIR, else "
        "$XDG_CACHE_HOME/sqs-kms-lint or ~/.cache/sqs-kms-lint)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument("--version", "-V", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a lone surrogate in an input must not kill the report
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        return _main(args)
    except (ConfigError, UsageError) as error:
        print(f"sqs-kms-lint: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say
        sys.stderr.close()
        return 0
    except FileNotFoundError as error:
        print(f"sqs-kms-lint: no such file or directory: {error.filename or error.args[0]}", file=sys.stderr)
        return 2
    except Exception as error:  # an internal error: one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"sqs-kms-lint: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


def _main(args: argparse.Namespace) -> int:
    if args.list_rules:
        for rule in all_rules():
            default = "off (opt-in)" if rule.opt_in else rule.severity
            print(f"{rule.code}  {rule.name:<36} {default:<12} {rule.summary}")
        return 0
    if args.explain:
        explained = find_rule(args.explain)
        if explained is None:
            print(f"sqs-kms-lint: unknown rule '{args.explain}' (see --list-rules)", file=sys.stderr)
            return 2
        print(
            f"# {explained.code} {explained.name} ({'off by default' if explained.opt_in else explained.severity})\n"
        )
        print(explained.doc.strip())
        return 0

    # The model is many small objects that live until the run ends: the collector's default thresholds
    # would scan them again and again (a third of all CPU on large repositories) for no garbage.
    gc.set_threshold(100_000, 50, 100)
    reports = _reports(args.format or ["text"], args.output)
    paths = args.paths or ["."]
    first = Path(paths[0])
    from . import cache, discover  # (the parsers and their libraries: not for --help, --version...)
    from .config import load, settings_from

    data, config_source = load(first if first.is_dir() else first.parent, args.config)
    settings = settings_from(data, config_source)
    if args.fail_on:
        settings = replace(settings, fail_on=args.fail_on)
    configured = settings
    settings = _with_rule_flags(settings, args.select, args.ignore, args.enable)
    if args.account_id:
        if not re.fullmatch(r"\d{12}", args.account_id):
            raise ConfigError(f"--account-id: {args.account_id!r} is not a 12-digit AWS account ID")
        settings = replace(settings, account_id=args.account_id)

    if args.jobs < 1:
        raise UsageError("--jobs: at least 1")
    if args.max_file_size < 1:
        raise UsageError("--max-file-size: at least 1 (megabyte)")
    discover.max_bytes = args.max_file_size << 20
    discover.recording = args.show_files
    files = discover.collect(paths, settings.exclude)
    tasks = discover.plan_tasks(files, roots=paths)
    job = _Job(
        settings,
        tuple(paths),
        discover.max_bytes,
        args.debug,
        {f.shown: f.path for f, _ in files},
        args.show_files,
        None if args.no_cache else (args.cache_dir or str(cache.default_directory())),
    )
    if job.cache_dir is not None:
        cache.prune(Path(job.cache_dir))
    notes = discover.take_notes()  # (before any worker starts: each says only what it met)
    listed = discover.take_files()
    for given, what in ((config_source, "configuration"), (args.baseline, "baseline (--baseline)")):
        if given:
            listed.append((discover.display_path(Path(given)), "read", what))
    results = _run_tasks(job, tasks, args.jobs)
    findings = [f for result in results for f in result.findings]
    checked = len({file for result in results for file in result.read})  # (files not ours are not)
    failures = [failure for result in results for failure in result.failures]
    notes += [n for result in results for n in result.notes if n not in notes]
    notes += _suppression_notes(results, configured, settings)
    listed += [entry for result in results for entry in result.files]
    discover.recording = False
    source = job.source()
    findings = deduplicated(findings, source)

    if args.write_baseline:
        recorded = sorted({f.fingerprint for f in findings if not f.suppressed})
        _write(args.write_baseline, json.dumps({"version": 1, "fingerprints": recorded}, indent=2) + "\n")
    baseline_said = None
    if args.baseline:
        known = _read_baseline(args.baseline)
        findings = [
            replace(f, baseline_state="unchanged" if f.fingerprint in known else "new") for f in findings
        ]
        baseline_said = _baseline_summary(args.baseline, findings, known)
    # What the baseline hides: its unsuppressed findings (a suppressed one stays shown as suppressed).
    new = [f for f in findings if f.suppressed or f.baseline_state != "unchanged"]

    for format_name, target in reports:
        color = target is None and format_name == "text" and _colour(args.no_color)
        shown = findings if format_name in KEEPS_BASELINED else new
        report = render(format_name, shown, color=color, files=checked)
        if args.quiet and format_name == "text":
            report = "".join(report.splitlines(keepends=True)[:-1])  # (the summary is the last line)
        if target:
            _write(target, report)
        else:
            sys.stdout.write(report)

    if args.show_files:
        for line in _file_list(listed):
            print(line, file=sys.stderr)
    for message in notes:
        print(f"sqs-kms-lint: note: {printable(message)}", file=sys.stderr)
    if baseline_said and not args.quiet:
        print(baseline_said, file=sys.stderr)
    for failure in failures:
        print(f"sqs-kms-lint: internal error in {failure} (please report it)", file=sys.stderr)
    if failures:
        return 2
    if settings.fail_on == "never":
        return 0
    threshold = SEVERITIES.index(settings.fail_on)
    failing = [f for f in new if not f.suppressed and SEVERITIES.index(f.severity) >= threshold]
    return 1 if failing else 0


def _suppression_notes(results: list[_Result], configured: Settings, settings: Settings) -> list[str]:
    """Ignores naming no rule, and inline ignores that suppressed nothing in any task of the run (a local
    module's file is linted by each caller: its ignore is used when one of them used it). A rule that did
    not run cannot make an ignore unused, nor can `all` when --select or --ignore left out a rule the
    configuration runs."""
    ran = {rule.code for rule in all_rules() if settings.severity(rule) != "off"}
    judge_all = all(rule.code in ran for rule in all_rules() if configured.severity(rule) != "off")
    seen = {ignore for result in results for ignore in result.ignores}
    used = {place for result in results for place in result.used}
    return ignore_notes(seen, used, ran, judge_all)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _baseline_summary(name: str, findings: list[Finding], known: set[str]) -> str:
    """What --baseline did: the unsuppressed findings it hid (a suppressed one is reported as such), and
    its entries that match no finding of this run (fixed, or their line was edited: time to refresh it)."""
    hidden = sum(1 for f in findings if f.baseline_state == "unchanged" and not f.suppressed)
    stale = len(known - {f.fingerprint for f in findings})
    said = (
        f"sqs-kms-lint: baseline {printable(name)}: {_plural(hidden, 'finding', 'findings')} hidden; "
        f"{stale} of {_plural(len(known), 'entry', 'entries')} matched no finding"
    )
    return said + (" (fixed or edited since; --write-baseline refreshes it)" if stale else "")


def _file_list(records: list[discover.FileRecord]) -> list[str]:
    """--show-files: one line a file or directory, by path: `read    PATH: what`, `skipped PATH: why`,
    `failed  PATH: why` (an SQK000 finding says more)."""
    from .discover import keep_record

    kept: dict[str, tuple[str, str]] = {}
    for shown, status, what in records:
        keep_record(kept, shown, status, what)
    return [f"{status:<7} {printable(shown)}: {what}" for shown, (status, what) in sorted(kept.items())]


@dataclass(frozen=True)
class _Job:
    """What every task of a run needs (sent to worker processes with each batch of tasks)."""

    settings: Settings
    roots: tuple[str, ...]
    max_bytes: int
    debug: bool
    paths: dict[str, Path]  # shown name -> where to read it
    show_files: bool = False  # record what each file was read as, or why it was skipped
    cache_dir: str | None = None  # where task results are kept between runs (linter/cache.py); None: not

    def source(self) -> SourceLines:
        from .discover import project_root, read_text

        root = project_root()
        return SourceLines(lambda shown: read_text(self.paths.get(shown) or root / shown))


class _Result(NamedTuple):
    """What one task gives back from its worker process."""

    findings: list[Finding]
    read: list[str]  # files read as infrastructure code
    failures: list[str]  # internal errors, one a unit
    notes: list[str]
    files: list[discover.FileRecord]  # --show-files: what each file was read as, or why it was skipped
    ignores: list[Ignore]  # in the files it read: inline, and CloudFormation resources' Metadata
    used: list[Used]  # the names of inline ignores that suppressed a finding


def _lint_task(job: _Job, task: Task, look: bool = True) -> _Result:
    """One task's result: from the cache when nothing it read has changed since it was kept, else
    linted (and kept). `look=False`: the caller has looked already."""
    if job.cache_dir is None:
        return _linted(job, task)
    from . import cache, reading

    store = cache.TaskCache(Path(job.cache_dir), cache.context_digest(job.settings, job.max_bytes))
    key = store.key(_described(job, task))
    kept = store.load(key, job.max_bytes) if look else None
    if kept is None:
        reading.start_recording()
        try:
            for directory in sorted({str(s.path.parent) for s in (*task.sources, *task.companions)}):
                reading.record_listing(Path(directory))  # (a file added beside them changes the task)
            result = _linted(replace(job, show_files=True), task)
        finally:
            inputs = reading.stop_recording()
        kept = cache.Entry(
            result.findings, result.read, result.notes, result.files, result.ignores, result.used
        )
        if not result.failures:  # (an internal error is not a result to keep)
            store.store(key, inputs, kept)
        if result.failures:
            return result._replace(files=result.files if job.show_files else [])
    return _from_entry(job, kept)


def _from_entry(job: _Job, kept: Any) -> _Result:
    """A cache entry as a task's result (what --show-files says only when it was asked for)."""
    return _Result(
        kept.findings,
        kept.read,
        [],
        kept.notes,
        kept.files if job.show_files else [],
        kept.ignores,
        kept.used,
    )


def _described(job: _Job, task: Task) -> list[Any]:
    """What identifies a task besides the contents of what it reads: its files, its module directory
    and how far that module's local modules may reach, whether it was walked, and the paths named."""
    from .parsers.tf_modules import module_boundary

    return [
        [(s.shown, str(s.path)) for s in task.sources],
        [(s.shown, str(s.path)) for s in task.companions],
        str(task.module) if task.module else None,
        str(module_boundary(task.module, job.roots)) if task.module else None,
        task.walked,
        list(job.roots),
    ]


def _linted(job: _Job, task: Task) -> _Result:
    """Build one task's units and run the rules on each: a unit is dropped once linted. Every ignore in
    the files read is returned, used or not (suppression hygiene is judged over all tasks)."""
    from . import discover

    discover.max_bytes = job.max_bytes
    discover.recording = job.show_files
    source = job.source()
    findings: list[Finding] = []
    read: list[str] = []
    failures: list[str] = []
    ignores: set[Ignore] = set()
    for unit in discover.build_task(task, job.settings.account_id, job.roots):
        read.extend(unit.files)
        if unit.budget_exhausted:  # said once: some values are unknown, so rules may be silent there
            discover.note(f"{unit.path}: {unit.budget_exhausted}")
        in_unit = _ignores(unit, source)
        ignores.update(in_unit)
        try:  # a bug met in one unit must not cost the others their findings
            findings.extend(run(unit, job.settings, source))
        except Exception as error:
            if job.debug:
                traceback.print_exc()
            failures.append(f"{unit.path}: {type(error).__name__}: {error}")
            # (not every rule ran: none of its ignores is said to be unused)
            source.used.update((i.file, i.line, name) for i in in_unit for name in i.names)
    return _Result(
        findings,
        read,
        failures,
        discover.take_notes(),
        discover.take_files(),
        sorted(ignores),
        sorted(source.used),
    )


def _ignores(unit: Unit, source: SourceLines) -> list[Ignore]:
    """The inline ignores in a unit's files, and its resources' Metadata ignores."""
    found = [ignore for file in dict.fromkeys(unit.files) for ignore in source.ignores_in(file)]
    for resource in unit.resources():
        if resource.ignores:
            span = resource.span
            found.append(Ignore(span.file, span.line, tuple(sorted(resource.ignores)), resource.name))
    return found


def _run_tasks(job: _Job, tasks: list[Task], jobs: int) -> list[_Result]:
    """Tasks in worker processes when there are several (results in task order, so the report is the
    same bytes whatever the number of jobs), else here."""
    results: list[_Result | None] = [None] * len(tasks)
    if jobs > 1 and job.cache_dir is not None:  # what the cache holds is read here: no worker for it
        results = [_kept(job, task) for task in tasks]
    missing = [i for i, result in enumerate(results) if result is None]
    workers = min(jobs, len(missing))
    if workers > 1:
        import multiprocessing  # (imported here: a one-file run has no use for them, nor their 30 ms)
        from concurrent.futures import ProcessPoolExecutor

        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")  # (workers inherit the loaded rules)
            # The largest tasks first, one at a time, then the rest in chunks: a big file begun last would
            # leave one worker alone at the end (the results keep the tasks' order all the same).
            order = sorted(missing, key=lambda i: -_weight(tasks[i]))
            head, tail = order[: workers * 4], order[workers * 4 :]
            lint = partial(_lint_task, job, look=jobs <= 1 or job.cache_dir is None)
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                first = pool.map(lint, [tasks[i] for i in head])
                rest = pool.map(lint, [tasks[i] for i in tail], chunksize=max(1, len(tail) // (workers * 8)))
                for i, result in zip(head + tail, itertools.chain(first, rest), strict=True):
                    results[i] = result
                return [r for r in results if r is not None]
    for i in missing:
        results[i] = _lint_task(job, tasks[i], look=jobs <= 1 or job.cache_dir is None)
    return [r for r in results if r is not None]


def _weight(task: Task) -> int:
    """How much a task has to read, in bytes (its files' sizes; what cannot be looked at weighs nothing)."""
    total = 0
    for source in (*task.sources, *task.companions):
        try:
            total += source.path.stat().st_size
        except OSError:
            pass
    return total


def _kept(job: _Job, task: Task) -> _Result | None:
    """A task's result from the cache, or None (nothing kept, or something it read has changed)."""
    from . import cache

    store = cache.TaskCache(Path(job.cache_dir or "."), cache.context_digest(job.settings, job.max_bytes))
    kept = store.load(store.key(_described(job, task)), job.max_bytes)
    return None if kept is None else _from_entry(job, kept)


def _write(name: str, text: str) -> None:
    """Write a report or baseline, creating its directory (`-f junit:reports/lint.xml` in a fresh CI job)."""
    try:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, "utf-8", errors="backslashreplace")
    except OSError as error:
        raise UsageError(f"cannot write {name}: {error.strerror or error}") from None


_MAX_BASELINE_BYTES = 256 << 20


def _read_baseline(name: str) -> set[str]:
    try:
        raw = read_bytes(Path(name), _MAX_BASELINE_BYTES)
        data = json.loads(raw.decode("utf-8"))
        return set(data["fingerprints"])
    except (Unreadable, ValueError, KeyError, TypeError, RecursionError) as error:
        raise ConfigError(f"{name}: not a baseline written by --write-baseline ({error})") from None
