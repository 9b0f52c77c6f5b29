"""Configuration: `.sqs-kms-lint.yaml` in the scanned root (or --config FILE), else `[tool.sqs-kms-lint]`
in pyproject.toml; validated against schemas/config.schema.json, completed from the rule registry."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from .engine import RuleSettings, Settings, all_rules, find_rule
from .reading import Unreadable, read_bytes

CONFIG_FILE = ".sqs-kms-lint.yaml"


class ConfigError(Exception):
    """An unreadable or invalid configuration (exit code 2)."""


def schema() -> dict:
    """The shipped schema with one `rules` entry per rule code and name, typed from the rule's options."""
    base = json.loads(
        resources.files("sqs_kms_lint").joinpath("schemas/config.schema.json").read_text("utf-8")
    )
    rule_entries = base["properties"]["rules"]["properties"]
    described = [(rule.code, rule.name, rule.options) for rule in all_rules()]
    for code, name, rule_options in described:
        options: dict[str, Any] = {"severity": {"$ref": "#/$defs/severity"}}
        for option, default in rule_options.items():
            integer = default is None or (isinstance(default, int) and not isinstance(default, bool))
            options[option] = {"type": "integer", "minimum": 1} if integer else {}
        # if/then/else rather than oneOf, so that an error inside the mapping keeps its own path
        entry = {
            "description": f"{code} {name}",
            "if": {"type": "string"},
            "then": {"$ref": "#/$defs/severity"},
            "else": {"type": "object", "properties": options, "additionalProperties": False},
        }
        rule_entries[code] = entry
        rule_entries[name] = entry
    return base


def _toml(path: Path) -> dict | None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return None
    try:
        data = tomllib.loads(_small_text(path))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    tool = data.get("tool")
    section = tool.get("sqs-kms-lint") if isinstance(tool, dict) else None
    return section if isinstance(section, dict) else None


def load(root: Path, explicit: str | None = None) -> tuple[dict, str | None]:
    """The raw configuration and where it came from (None: defaults)."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
    else:
        found = _find_config(root)
        if found is None:
            return {}, None
        path, section = found
        if section is not None:
            return section, str(path)
    if path.suffix == ".toml":
        return _toml(path) or {}, str(path)
    import yaml  # (only for a YAML configuration: a run without one need not import PyYAML)

    try:
        data = yaml.load(_small_text(path), Loader=_no_alias_loader())  # noqa: S506 (a SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise ConfigError(f"{path}: cannot read: {str(error).splitlines()[0]}") from None
    return (data if data is not None else {}), str(path)


def _find_config(start: Path) -> tuple[Path, dict | None] | None:
    """The nearest `.sqs-kms-lint.yaml`, or `pyproject.toml` with a `[tool.sqs-kms-lint]` section, from
    `start` up to its repository's root (the nearest directory with `.git`; without one, up to the working
    directory when `start` is inside it),
    as ruff looks up its settings: `sqs-kms-lint sub/` obeys the repository's configuration."""
    start = start.absolute()
    chain = [start, *start.parents]
    cwd = Path.cwd().absolute()
    fallback = chain.index(cwd) if cwd in chain else 0  # (outside a repository: up to the working directory)
    top = next((i for i, d in enumerate(chain) if (d / ".git").exists()), fallback)
    for directory in chain[: top + 1]:
        path = directory / CONFIG_FILE
        if path.is_file() and not _leaves(path, directory):
            return path, None
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and not _leaves(pyproject, directory):
            section = _toml(pyproject)
            if section is not None:
                return pyproject, section
    return None


_MAX_CONFIG_BYTES = 1 << 20


def _small_text(path: Path) -> str:
    """A configuration file's text: a regular file of at most 1 MB (never a device or a pipe)."""
    try:
        return read_bytes(path, _MAX_CONFIG_BYTES).decode("utf-8")
    except Unreadable as why:
        raise OSError(str(why)) from None


def _leaves(path: Path, root: Path) -> bool:
    """A configuration found in the scanned directory that is a symlink out of it is not obeyed (a pull
    request must not switch rules off through a link to a file elsewhere); it is said so."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
        base = root.resolve()
    except (OSError, RuntimeError):
        target, base = None, None
    if target is not None and base is not None and (target == base or base in target.parents):
        return False
    print(f"sqs-kms-lint: note: {path} is a link out of {root}; it is not read", file=sys.stderr)
    return True


def _no_alias_loader() -> Any:
    """PyYAML's safe loader without aliases: a configuration needs none, and a few bytes of them can
    expand to gigabytes."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("YAML aliases (*name) are not allowed in the configuration")
            return super().compose_node(parent, index)

    return NoAliasLoader


def _yaml_off(data: Any) -> Any:
    """YAML 1.1 reads a bare `off` as false; in `rules` it means the string the spec shows."""
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, dict):
        return data
    fixed = {}
    for name, entry in rules.items():
        if entry is False:
            entry = "off"
        elif isinstance(entry, dict) and entry.get("severity") is False:
            entry = {**entry, "severity": "off"}
        fixed[name] = entry
    return {**data, "rules": fixed}


def settings_from(data: Any, source: str | None = None) -> Settings:
    where = source or "configuration"
    data = _yaml_off(data)
    if data != {} and data is not None:  # (no configuration: nothing to check, no jsonschema import)
        import jsonschema

        validator = jsonschema.Draft202012Validator(schema())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
        if errors:
            error = errors[0]
            path = ".".join(str(p) for p in error.absolute_path) or "(top level)"
            raise ConfigError(f"{where}: {path}: {error.message}")
    data = data or {}
    rules: dict[str, RuleSettings] = {}
    for name, entry in (data.get("rules") or {}).items():
        rule = find_rule(name)
        if rule is None:  # a planned rule: accepted, nothing to configure yet
            continue
        if isinstance(entry, str):
            rules[rule.code] = RuleSettings(severity=entry)
        else:
            options = {k: v for k, v in entry.items() if k != "severity"}
            rules[rule.code] = RuleSettings(severity=entry.get("severity"), options=options)
    if data.get("require-cmk") and "SQK004" not in rules:
        rules["SQK004"] = RuleSettings(severity="error")  # the catalogue: require-cmk turns it on as an error
    for pattern in data.get("exclude", ()):
        import pathspec  # (only for a configuration with exclude patterns)

        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except Exception as error:
            raise ConfigError(f"{where}: exclude: {pattern!r} is not a valid pattern ({error})") from None
    return Settings(
        rules=rules,
        account_id=data.get("account-id"),
        fail_on=data.get("fail-on", "warning"),
        exclude=tuple(data.get("exclude", ())),
    )
