"""From the paths a user names to units: walk, classify each file by content, parse, group.

A directory walk honours `.gitignore` files (git's own pattern semantics, via pathspec) and the config's
`exclude`, skips `.git`, `.terraform` and `node_modules`, and never follows a symlink out of the root.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .model import ParseError, Span, Unit
from .parsers.aws_json import AwsJsonReader, document_kind
from .parsers.cloudformation import is_template, parse_template
from .parsers.located import DecodeError, decode_json, decode_yaml
from .parsers.tf_modules import (
    inside,
    is_terraform,
    is_variables_file,
    module_boundary,
    module_files,
    module_loader,
    variable_values,
)
from .parsers.tfplan import is_plan, parse_plan
from .reading import DEFAULT_MAX_BYTES, Unreadable, contains, decode, read_bytes

SKIPPED_DIRS = {".git", ".terraform", "node_modules"}
YAML_SUFFIXES = {".yaml", ".yml", ".template"}
JSON_SUFFIXES = {".json"}
TERRAFORM_SUFFIXES = {".tf"}
# Text that marks a file as meant for AWS, so that a syntax error in it is worth an SQK000.
_IAC_MARKERS = (
    "AWSTemplateFormatVersion",
    "AWS::",
    '"KeyMetadata"',
    '"QueueArn"',
    '"QueueUrl"',
    '"Attributes"',
    '"planned_values"',
    '"queues"',
    '"identity_policies"',
)
_JSON_MARKERS = (
    "Resources",
    "Attributes",
    "KeyMetadata",
    "Policy",
    "Statement",
    "account",
    "queues",
    "keys",
    "senders",
    "identity_policies",
    "planned_values",
)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # where to read it
    shown: str  # how findings name it: relative to the working directory when inside it


def project_root(start: Path | None = None) -> Path:
    """The repository the linter runs in (nearest ancestor with `.git`), else the working directory:
    paths are shown relative to it, as GitHub code scanning and annotations expect."""
    here = (start or Path.cwd()).absolute()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return here


def display_path(path: Path, root: Path | None = None) -> str:
    absolute = path.absolute()
    try:
        return absolute.relative_to(root or project_root()).as_posix()
    except ValueError:
        return absolute.as_posix()


def walk(root: Path, exclude: Iterable[str] = ()) -> Iterator[Path]:
    """The candidate files under `root`, in a stable order."""
    import pathspec  # (45 ms of imports and regexes: not for files named alone, as pre-commit names them)

    root_real = root.resolve()
    base = project_root()
    excluded = pathspec.GitIgnoreSpec.from_lines(list(exclude))
    ignores: list[tuple[Path, pathspec.GitIgnoreSpec, str]] = []  # (directory, its .gitignore, shown)
    for directory, dirnames, filenames in os.walk(root, followlinks=False, onerror=_unreadable_directory):
        here = Path(directory)
        gitignore = here / ".gitignore"
        if gitignore.is_file() and _inside(gitignore, root_real):
            try:
                lines = decode(read_bytes(gitignore, 1 << 20)).split("\n")
            except (Unreadable, UnicodeDecodeError):
                lines = []
            usable = [
                ln.removesuffix("\r") for ln in lines if _usable_pattern(ln.removesuffix("\r"), gitignore)
            ]
            ignores.append((here, pathspec.GitIgnoreSpec.from_lines(usable), display_path(gitignore, base)))

        def ignored(path: Path, is_dir: bool) -> str | None:
            """Why the walk leaves `path` out (the configuration's exclude, a .gitignore), or None."""
            relative = path.relative_to(root).as_posix() + ("/" if is_dir else "")
            if excluded.match_file(relative):
                return "excluded by the configuration's exclude"
            for directory, spec, shown in ignores:
                if directory == path or directory not in path.parents:
                    continue
                if spec.match_file(path.relative_to(directory).as_posix() + ("/" if is_dir else "")):
                    return f"ignored by {shown}"
            return None

        walked = []
        for name in sorted(dirnames):
            why = (
                "never walked (nor are .git, .terraform and node_modules anywhere)"
                if name in SKIPPED_DIRS
                else "a link to a directory (never followed)"
                if _is_link(here / name)
                else ignored(here / name, True)
            )
            if why is None:
                walked.append(name)
            else:
                record(display_path(here / name, base) + "/", "skipped", why)
        dirnames[:] = walked
        for filename in sorted(filenames):
            path = here / filename
            if path.suffix.lower() not in YAML_SUFFIXES | JSON_SUFFIXES | TERRAFORM_SUFFIXES:
                if recording:
                    record(display_path(path, base), "skipped", _not_a_candidate(path))
                continue
            why = ignored(path, False)
            if why is not None:
                record(display_path(path, base), "skipped", why)
                continue
            try:
                if path.is_symlink() and root_real not in path.resolve(strict=True).parents:
                    note(f"skipped {display_path(path)}: a link out of {display_path(root)}")
                    record(display_path(path, base), "skipped", f"a link out of {display_path(root)}")
                    continue  # never out of the root
                if not path.is_file():
                    record(display_path(path, base), "skipped", "not a regular file")
                    continue  # a FIFO, socket or device named like a template: reading it would block
            except (OSError, RuntimeError, ValueError):  # a loop, a dangling link, a name too long
                record(
                    display_path(path, base), "skipped", "cannot be looked at (a link loop or dangling link)"
                )
                continue
            yield path


def _not_a_candidate(path: Path) -> str:
    """Why a walk does not read a file by its name (for --show-files)."""
    if is_variables_file(path):
        return "Terraform variables, read only with a module in their directory (none was read)"
    if path.suffix.lower() == ".tfvars":
        return "-var-file variables (Terraform loads only terraform.tfvars and *.auto.tfvars by itself)"
    return "not a .yaml, .yml, .template, .json or .tf file"


_MAX_WILDCARDS = 16  # `*` runs in one ignore pattern; more make regex matching backtrack for minutes


def _usable_pattern(line: str, source: Path) -> bool:
    """Git skips a pattern it cannot use (e.g. a lone `!`); so do we, and also one whose wildcards would
    take minutes to match against a long name (said once)."""
    if len(line) > 4096 or len(re.findall(r"\*+", line)) > _MAX_WILDCARDS:
        note(
            f"{display_path(source)}: an ignore pattern with more than {_MAX_WILDCARDS} wildcards is not used"
        )
        return False
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
        return True
    except Exception:
        return False


def _is_link(path: Path) -> bool:
    """A link (never followed), or a directory whose path is too long to even look at."""
    try:
        return path.is_symlink()
    except (OSError, ValueError):
        return True


def _inside(path: Path, root_real: Path) -> bool:
    """A file that is not a link out of the root (say so when it is)."""
    try:
        if not path.is_symlink():
            return True
        target = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return False
    if target == root_real or root_real in target.parents:
        return True
    note(f"skipped {display_path(path)}: a link out of {display_path(root_real)}")
    return False


def _unreadable_directory(error: OSError) -> None:
    print(f"sqs-kms-lint: warning: cannot read directory {error.filename}: {error.strerror}", file=sys.stderr)


def collect(paths: Iterable[str], exclude: Iterable[str] = ()) -> list[tuple[SourceFile, bool]]:
    """Files to lint, each with whether it came from a directory walk (loose raw JSON documents of one
    directory then form one unit). A path that does not exist raises FileNotFoundError."""
    found: list[tuple[SourceFile, bool]] = []
    root = project_root()
    excluded = _Patterns(list(exclude))
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend((SourceFile(p, display_path(p, root)), True) for p in walk(path, exclude))
        elif path.is_file():
            # A file named explicitly (as pre-commit does) still honours `exclude`, relative to the cwd.
            relative = display_path(path, Path.cwd())
            if not excluded.match_file(relative):
                found.append((SourceFile(path, display_path(path, root)), False))
            else:
                record(display_path(path, root), "skipped", "excluded by the configuration's exclude")
        else:
            raise FileNotFoundError(2, "no such file or directory", name)
    return found


class _Patterns:
    """The configuration's exclude patterns, as a .gitignore reads them (pathspec imported only when
    there are some)."""

    def __init__(self, lines: list[str]) -> None:
        self.spec: Any = None
        if lines:
            import pathspec

            self.spec = pathspec.GitIgnoreSpec.from_lines(lines)

    def match_file(self, path: str) -> bool:
        return self.spec is not None and bool(self.spec.match_file(path))


def read_text(path: Path) -> str | None:
    text, _ = _read(path)
    return text


# What the run did not read, and why (a file over the size limit, a link out of the root): said once each
# on stderr by the CLI, so that a security tool says what it did not look at.
_notes: list[str] = []


def note(message: str) -> None:
    if message not in _notes:
        _notes.append(message)


def take_notes() -> list[str]:
    taken = list(_notes)
    _notes.clear()
    return taken


# What --show-files lists, recorded only while `recording` is set (by the CLI): each file or directory
# (`x/`) the run looked at, read as what or skipped why; a worker process returns its own (take_files).
recording = False
FileRecord = tuple[str, str, str]  # (shown path, "read" | "skipped" | "failed", what it was or why)
_files: dict[str, tuple[str, str]] = {}
_STATUS_RANK = {"skipped": 0, "read": 1, "failed": 2}


def keep_record(records: dict[str, tuple[str, str]], shown: str, status: str, what: str) -> None:
    """Keep the word that says most about a file: read over skipped, failed (an SQK000) over read; of two
    of one status, the first (the size limit, said when reading, over what the caller then concludes)."""
    earlier = records.get(shown)
    if earlier is None or _STATUS_RANK[status] > _STATUS_RANK[earlier[0]]:
        records[shown] = (status, what)


def record(shown: str, status: str, what: str) -> None:
    if recording:
        keep_record(_files, shown, status, what)


def take_files() -> list[FileRecord]:
    taken = [(shown, status, what) for shown, (status, what) in _files.items()]
    _files.clear()
    return taken


def _read(path: Path) -> tuple[str | None, str | None]:
    """The file's text (by BOM, else UTF-16/32 by its zero bytes, else UTF-8), or why it cannot be read:
    a problem worth an SQK000, or None when the file is simply not ours (a note says why if it matters)."""
    try:
        data = read_bytes(path, max_bytes)
    except Unreadable as why:
        if why.args and "size limit" in str(why.args[0]):
            note(f"skipped {display_path(path)}: {why} (--max-file-size)")
            record(display_path(path), "skipped", f"{why} (--max-file-size)")
            return None, None
        if why.args and "not a regular file" in str(why.args[0]):
            record(display_path(path), "skipped", "not a regular file")
            return None, None  # a FIFO, socket or device named like a template
        return None, str(why)
    try:
        return decode(data), None
    except UnicodeDecodeError:
        readable = "cannot read the file as text (UTF-8, UTF-16 or UTF-32)"
        return None, readable if contains(data, _IAC_MARKERS) else None


max_bytes = DEFAULT_MAX_BYTES  # files larger than this are skipped with a note (set by the CLI)


@dataclass(frozen=True)
class Task:
    """Files that are parsed together: one Terraform module, or the JSON documents a directory walk
    found in one directory (loose raw documents there form one unit), or one other file."""

    sources: tuple[SourceFile, ...]
    walked: bool
    module: Path | None = None  # the module's directory, for a Terraform module
    # Raw AWS documents beside a JSON file named alone (a queue staged without its key): read into the
    # directory's unit, never linted as anything else.
    companions: tuple[SourceFile, ...] = ()


def plan_tasks(
    files: list[tuple[SourceFile, bool]], whole_modules: bool = True, roots: Iterable[str] = ()
) -> list[Task]:
    """Group files into independent tasks, in a stable order (tasks may run in parallel).

    The `.tf` files of one directory form one module; a `.tf` file named alone brings its whole module
    along, and a JSON file named alone the raw AWS documents beside it, unless `whole_modules` is False
    (the fixture tests lint one file as a one-file module)."""
    singles: list[Task] = []
    json_by_directory: dict[str, list[SourceFile]] = {}
    named_json: dict[str, Path] = {}  # directories of JSON files named alone (not found by a walk)
    modules: dict[Path, dict[Path, SourceFile]] = {}

    def whole_module(directory: Path) -> None:
        module = modules.setdefault(directory, {})
        boundary = module_boundary(directory, roots)
        for sibling in module_files(directory):
            if inside(sibling, boundary):  # (a sibling linked from outside the repository is not)
                module.setdefault(sibling, SourceFile(sibling, display_path(sibling)))
            else:
                note(f"skipped {display_path(sibling)}: a link out of {display_path(boundary)}")
                record(display_path(sibling), "skipped", f"a link out of {display_path(boundary)}")

    for source, walked in files:
        if is_variables_file(source.path):
            record(source.shown, "skipped", _not_a_candidate(source.path))  # (until its module reads it)
            # `terraform.tfvars` named alone (pre-commit passes it when only it changed) is linted as
            # the module whose variables it sets; in a walk, that module is linted anyway
            if whole_modules and not walked and module_files(source.path.parent):
                whole_module(source.path.parent)
            continue
        if is_terraform(source.path):
            modules.setdefault(source.path.parent, {})[source.path] = source
            if whole_modules and not walked:
                whole_module(source.path.parent)
        elif source.path.suffix.lower() in JSON_SUFFIXES:
            json_by_directory.setdefault(Path(source.shown).parent.as_posix(), []).append(source)
            if whole_modules and not walked:  # (the fixture tests lint one file alone)
                named_json.setdefault(Path(source.shown).parent.as_posix(), source.path.parent)
        else:
            singles.append(Task((source,), walked))
    return [
        *singles,
        *(
            Task(tuple(sources), True, companions=_companions(named_json.get(key), sources))
            for key, sources in json_by_directory.items()
        ),
        *(Task(tuple(sources.values()), False, directory) for directory, sources in modules.items()),
    ]


def _companions(directory: Path | None, named: list[SourceFile]) -> tuple[SourceFile, ...]:
    """The other JSON files of the directory of a JSON file named alone (not through links out of it)."""
    if directory is None:
        return ()
    taken = {s.path.resolve() for s in named}
    try:
        candidates = sorted(p for p in directory.iterdir() if p.suffix.lower() in JSON_SUFFIXES)
    except OSError:
        return ()
    real = directory.resolve()
    return tuple(
        SourceFile(p, display_path(p))
        for p in candidates
        if p.resolve() not in taken and not p.is_symlink() and p.is_file() and p.resolve().parent == real
    )


def build_task(task: Task, account: str | None = None, roots: Iterable[str] = ()) -> list[Unit]:
    """Parse one task's files into units; a file that cannot be parsed becomes a unit holding its SQK000.
    `roots` are the paths the user named: outside a repository, local modules are read within them or
    the working directory."""
    if task.module is not None:
        return [
            _terraform_unit(task.module, list(task.sources), account, module_boundary(task.module, roots))
        ]
    units: list[Unit] = []
    raw_by_directory: dict[str, tuple[Unit, AwsJsonReader]] = {}
    for source in task.sources:
        try:
            _add_file(source, task.walked, account, units, raw_by_directory)
        except Exception as error:  # a parser bug on odd input: that file's SQK000, the others go on
            units.append(
                _broken(source, DecodeError(f"could not be analysed ({type(error).__name__}: {error})", 1))
            )
            record(source.shown, "failed", f"could not be analysed ({type(error).__name__}; SQK000)")
    for companion in task.companions:
        try:
            _add_file(companion, True, account, units, raw_by_directory, raw_only=True)
        except Exception:  # a companion only helps: its own problems are its own run's
            continue
    for unit, reader in raw_by_directory.values():
        try:
            reader.finish()
        except Exception as error:
            unit.errors.append(
                ParseError(Span(unit.files[0], 1), f"could not be analysed ({type(error).__name__})")
            )
    return units


def build_units(
    files: list[tuple[SourceFile, bool]],
    account: str | None = None,
    whole_modules: bool = True,
    roots: Iterable[str] = (),
) -> list[Unit]:
    """Every unit of the files at once (the CLI builds and lints task by task instead)."""
    return [
        unit for task in plan_tasks(files, whole_modules, roots) for unit in build_task(task, account, roots)
    ]


def _terraform_unit(directory: Path, sources: list[SourceFile], account: str | None, boundary: Path) -> Unit:
    from .parsers.terraform import parse_module  # (here: the HCL parser costs a CloudFormation run 0.1 s)

    shown = sorted(s.shown for s in sources)
    unit = Unit(display_path(directory), shown, account=account)
    texts = []
    for source in sorted(sources, key=lambda s: s.shown):
        text, problem = _read(source.path)
        if text is None:
            unit.errors.append(ParseError(Span(source.shown, 1), problem or "cannot read the file"))
            record(source.shown, "failed", f"{problem or 'cannot read the file'} (SQK000)")
        else:
            texts.append((source.shown, text))
            record(source.shown, "read", f"{_terraform_syntax(source.path)}, module {unit.path}")
    variable_spans: dict[str, Span] = {}
    variables = variable_values(
        directory,
        _recording_reader(lambda _: f"Terraform variables, module {unit.path}"),
        boundary,
        lambda path: note(f"skipped {display_path(path)}: a link out of {display_path(boundary)}"),
        display_path,
        variable_spans,
    )
    load = module_loader(
        boundary,
        _recording_reader(
            lambda path: (
                f"{_terraform_syntax(path)}, module {display_path(path.parent)}, called by {unit.path}"
            )
        ),
        display_path,
        project_root(),
        unit.files,
    )
    try:
        parse_module(texts, unit, variables, load, str(directory.resolve()), variable_spans)
    except Exception as error:  # a parser bug on odd input: an SQK000, the other units go on
        unit.errors.append(
            ParseError(Span(shown[0], 1), f"could not be analysed ({type(error).__name__}: {error})")
        )
    return unit


def _terraform_syntax(path: Path) -> str:
    return "Terraform JSON (.tf.json)" if path.name.lower().endswith(".tf.json") else "Terraform HCL"


def _recording_reader(what: Callable[[Path], str]) -> Callable[[Path], str | None]:
    """read_text, recording each file it reads as `what` names it, when --show-files asks."""
    if not recording:
        return read_text

    def read(path: Path) -> str | None:
        text = read_text(path)
        if text is not None:
            record(display_path(path), "read", what(path))
        return text

    return read


_RAW_KINDS = {
    "snapshot": "snapshot",
    "queue": "queue attributes",
    "key": "describe-key",
    "key-policy": "key policy",
    "policy": "policy document",
}
_NOT_OURS_JSON = "JSON that is not a CloudFormation template, a Terraform plan or an AWS document"
_NOT_A_TEMPLATE = "not a CloudFormation template (no AWSTemplateFormatVersion, no resource of an AWS:: type)"


def _add_file(
    source: SourceFile,
    walked: bool,
    account: str | None,
    units: list[Unit],
    raw_by_directory: dict[str, tuple[Unit, AwsJsonReader]],
    raw_only: bool = False,
) -> None:
    suffix = source.path.suffix.lower()
    text, problem = _read(source.path)
    said = (lambda status, what: None) if raw_only else partial(record, source.shown)
    if text is None:
        if problem and not raw_only:
            units.append(_broken(source, DecodeError(problem, 1)))
            said("failed", f"{problem} (SQK000)")
        said("skipped", "not text (UTF-8, UTF-16 or UTF-32), and nothing in it is meant for AWS")
        return
    if suffix in JSON_SUFFIXES:
        if not any(marker in text for marker in _JSON_MARKERS) or not _json_is_ours(text):
            said("skipped", _NOT_OURS_JSON)
            return
        decode = decode_json
    elif "AWSTemplateFormatVersion" in text or "Resources" in text:
        decode = decode_yaml
    else:
        said("skipped", _NOT_A_TEMPLATE)
        return
    try:
        document = decode(text)
    except DecodeError as error:
        if any(marker in text for marker in _IAC_MARKERS) and not raw_only:
            units.append(_broken(source, error))
            said("failed", f"does not parse (SQK000 at line {error.line})")
        said("skipped", "does not parse, and nothing in it is meant for AWS")
        return
    if raw_only and (
        is_template(document) or is_plan(document) or document_kind(document) in (None, "snapshot")
    ):
        return
    if is_template(document):
        said("read", f"CloudFormation template ({'JSON' if suffix in JSON_SUFFIXES else 'YAML'})")
        unit = Unit(source.shown, [source.shown], account=account)
        parse_template(document, source.shown, unit)
        units.append(unit)
        return
    if suffix in JSON_SUFFIXES and is_plan(document):
        said("read", "Terraform plan JSON")
        unit = Unit(source.shown, [source.shown], account=account)
        parse_plan(document, source.shown, unit)
        units.append(unit)
        return
    kind = document_kind(document) if suffix in JSON_SUFFIXES else None
    if kind is None:
        said("skipped", _NOT_OURS_JSON if suffix in JSON_SUFFIXES else _NOT_A_TEMPLATE)
        return
    raw = f"raw AWS JSON ({_RAW_KINDS.get(kind, kind)})"
    if raw_only:
        record(source.shown, "read", f"{raw}, beside a JSON file named on the command line")
    elif kind == "snapshot" or not walked:
        said("read", raw)
    else:
        said("read", f"{raw}, one unit with the raw documents beside it")
    if kind == "snapshot" or not walked:
        unit = Unit(source.shown, [source.shown], account=account)
        reader = AwsJsonReader(unit)
        reader.add(document, source.shown)
        reader.finish()
        units.append(unit)
        return
    directory = Path(source.shown).parent.as_posix()
    if directory not in raw_by_directory:
        unit = Unit(directory, [], account=account)
        raw_by_directory[directory] = (unit, AwsJsonReader(unit))
        units.append(unit)
    unit, reader = raw_by_directory[directory]
    unit.files.append(source.shown)
    reader.add(document, source.shown)


def _json_is_ours(text: str) -> bool:
    """Whether JSON is a template, a plan or an AWS document, decided with the plain C decoder before the
    costly one that keeps positions (a repository vendoring SDK data holds thousands of JSON files that
    mention "Policy"). JSON that does not decode plainly goes on: the positioned decoder says where."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return True
    return is_template(document) or is_plan(document) or document_kind(document) is not None


def _broken(source: SourceFile, error: DecodeError) -> Unit:
    unit = Unit(source.shown, [source.shown])
    unit.errors.append(ParseError(Span(source.shown, error.line, error.column), error.message))
    return unit
