"""What a Terraform root module brings from disk besides its own files: its variable files and the local
modules it calls, read only within a boundary (never through a symlink out of it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Span
from ..reading import record_listing
from .located import DecodeError, decode_json, key_span

if TYPE_CHECKING:  # (the HCL parser is imported when a module is read: it costs a CloudFormation run 0.1 s)
    from .hcl import Block
    from .terraform import ModuleLoader

ReadText = Callable[[Path], "str | None"]


def is_terraform(path: Path) -> bool:
    return path.suffix.lower() == ".tf" or path.name.lower().endswith(".tf.json")


def is_variables_file(path: Path) -> bool:
    """A file Terraform loads variables from by itself (`-var-file` ones it does not)."""
    name = path.name.lower()
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


def module_files(directory: Path) -> list[Path]:
    record_listing(directory)  # (a file added there changes the module: see linter/cache.py)
    try:
        return sorted(p for p in directory.iterdir() if is_terraform(p) and p.is_file())
    except OSError:
        return []


def inside(path: Path, boundary: Path) -> bool:
    """The file is within the boundary once links are followed (a link out of it is not read)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # dangling, a loop, a name too long
        return False
    return target == boundary or boundary in target.parents


def variable_values(
    directory: Path,
    read: ReadText,
    boundary: Path | None = None,
    skipped: Callable[[Path], None] = lambda path: None,
    show: Callable[[Path], str] = str,
    spans: dict[str, Span] | None = None,
) -> dict[str, Any]:
    """The values `terraform.tfvars`, `terraform.tfvars.json` and `*.auto.tfvars(.json)` assign, later
    files winning, as Terraform loads them (anything computed is left out); where each is assigned goes
    into `spans` when given (files named by `show`). A variable file that is a link out of `boundary` is
    not read."""
    from .tf_eval import tfvars

    paths = [
        directory / "terraform.tfvars",
        directory / "terraform.tfvars.json",
        *sorted(
            [*directory.glob("*.auto.tfvars"), *directory.glob("*.auto.tfvars.json")], key=lambda p: p.name
        ),
    ]
    record_listing(directory)
    values: dict[str, Any] = {}
    for path in paths:
        if not path.is_file():
            continue
        if boundary is not None and not inside(path, boundary):
            skipped(path)
            continue
        text = read(path)
        if text is not None:
            found: dict[str, Span] = {}
            if path.suffix == ".json":
                values.update(_json_tfvars(text, show(path), found))
            else:
                values.update(tfvars(text, show(path), found))
            if spans is not None:
                spans.update(found)
    return values


def _json_tfvars(text: str, file: str, spans: dict[str, Span]) -> dict[str, Any]:
    try:
        document = decode_json(text)
    except DecodeError:
        return {}
    if not isinstance(document, dict):
        return {}
    for name in document:
        spans[str(name)] = key_span(document, name, file, Span(file, 1))
    return {str(k): v for k, v in document.items()}


def module_boundary(directory: Path, roots: Iterable[str] = ()) -> Path:
    """How far a module's `source = "../x"` may reach: its repository (nearest `.git`); without one (a
    source tarball, a `git archive` export, a Docker build context), the outermost of the working
    directory and the paths the user named that holds the module; never above them."""
    here = directory.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    holders = []
    for root in (Path.cwd(), *(Path(r) for r in roots)):
        try:
            resolved = root.resolve()
            resolved = resolved if resolved.is_dir() else resolved.parent
        except (OSError, RuntimeError):
            continue
        if resolved == here or resolved in here.parents:
            holders.append(resolved)
    return min(holders, key=lambda p: len(p.parts)) if holders else here


def module_loader(
    boundary: Path, read: ReadText, show: Callable[[Path], str], project: Path, read_files: list[str]
) -> ModuleLoader:
    """Reads local modules inside `boundary`, each directory parsed once however often it is called;
    the files it reads are added to `read_files` as `show` names them (callers' paths are relative to
    `project`)."""
    loaded: dict[str, tuple[str, list[Block], list]] = {}

    def load(source: str, calling_file: str) -> tuple[str, list[Block], list] | None:
        caller = Path(calling_file) if Path(calling_file).is_absolute() else project / calling_file
        try:
            folder = (caller.parent / source).resolve()
            record_listing(folder)  # (a module that does not exist yet may appear)
            if boundary not in (folder, *folder.parents) or not folder.is_dir():
                return None
        except (OSError, RuntimeError, ValueError):  # a link loop, a name too long
            return None
        key = str(folder)
        if key not in loaded:
            files = []
            for path in module_files(folder):
                if not inside(path, boundary):
                    continue
                text = read(path)
                if text is not None:
                    shown = show(path)
                    files.append((shown, text))
                    if shown not in read_files:
                        read_files.append(shown)
            from .hcl import parse_files

            loaded[key] = (key, *parse_files(files))
        return loaded[key]

    return load
