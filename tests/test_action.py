"""The composite action (action.yml) as the runner runs it.

Each `run:` step's script goes to a file and runs under `bash --noprofile --norc -eo pipefail FILE`
(what `shell: bash` means), with the step's `env:` evaluated as the runner evaluates `${{ ... }}`
(inputs, earlier steps' outputs, runner and github contexts), GITHUB_OUTPUT / GITHUB_ACTION_PATH /
RUNNER_TEMP / GITHUB_WORKSPACE set to temporary paths, in a temporary repository. `uses:` steps are not
run: their `if:` and `with:` are evaluated and recorded.

The install step needs the network (pip). It is not run; its outputs (`exe`, `python`) are set to this
test environment's `sqs-kms-lint` and interpreter, where the package is already installed, exactly what
the step would have written. Set SQS_KMS_LINT_TEST_ACTION_INSTALL=1 to run it for real (network).
Nothing in action.yml knows about the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import FIXTURES, ROOT

ACTION = ROOT / "action.yml"
BASH = shutil.which("bash")
CONSOLE_SCRIPT = Path(sys.executable).parent / "sqs-kms-lint"
RUN_INSTALL = os.environ.get("SQS_KMS_LINT_TEST_ACTION_INSTALL") == "1"
REPOSITORY = "octo/infra"

pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text("utf-8"))


# --- the runner's expression language, the part action.yml uses ------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<op>&&|\|\||==|!=|!|\(|\))|'(?P<str>(?:[^']|'')*)'|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*))"
)


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match and match.end() > position, f"expression not understood at {text[position:]!r}"
        position = match.end()
        if match.group("op"):
            tokens.append(("op", match.group("op")))
        elif match.group("str") is not None:
            tokens.append(("value", match.group("str").replace("''", "'")))
        elif match.group("num"):
            tokens.append(("value", float(match.group("num"))))
        else:
            tokens.append(("name", match.group("name")))
    return tokens


def _truthy(value: Any) -> bool:
    return value not in (None, False, 0, 0.0, "")


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()  # the runner compares strings ignoring case
    return bool(left == right)


def evaluate(text: str, context: dict[str, Any]) -> Any:
    """Evaluate an expression: literals, property paths, ==, !=, !, &&, || and parentheses."""
    tokens = _tokens(text)
    position = 0

    def peek() -> tuple[str, Any] | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> tuple[str, Any]:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def primary() -> Any:
        kind, value = take()
        if (kind, value) == ("op", "!"):
            return not _truthy(primary())
        if (kind, value) == ("op", "("):
            result = either()
            assert take() == ("op", ")"), text
            return result
        if kind == "value":
            return value
        assert kind == "name", f"unexpected {value!r} in {text!r}"
        if value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[value]
        assert peek() != ("op", "("), f"function calls are not emulated: {text!r}"
        current: Any = context
        for part in value.split("."):
            assert current is not context or part in context, f"unknown context {part!r} in {text!r}"
            current = current.get(part) if isinstance(current, dict) else None
        return current

    def comparison() -> Any:
        left = primary()
        while peek() in (("op", "=="), ("op", "!=")):
            operator = take()[1]
            right = primary()
            left = _equal(left, right) if operator == "==" else not _equal(left, right)
        return left

    def both() -> Any:
        left = comparison()
        while peek() == ("op", "&&"):
            take()
            right = comparison()
            left = right if _truthy(left) else left
        return left

    def either() -> Any:
        left = both()
        while peek() == ("op", "||"):
            take()
            right = both()
            left = left if _truthy(left) else right
        return left

    result = either()
    assert position == len(tokens), f"trailing tokens in {text!r}"
    return result


def _as_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def substitute(text: str, context: dict[str, Any]) -> str:
    """What the runner does to a `${{ ... }}` in an env or with value."""
    return re.sub(r"\$\{\{(.*?)\}\}", lambda match: _as_string(evaluate(match.group(1), context)), text)


def test_expression_emulation() -> None:
    context = {"inputs": {"upload": "TRUE", "empty": ""}, "github": {"event": {}}}
    assert evaluate("inputs.upload == 'true'", context) is True
    assert evaluate("!github.event.pull_request", context) is True
    assert evaluate("inputs.empty || 'fallback'", context) == "fallback"
    assert evaluate("inputs.upload != 'true' && 'x'", context) is False
    assert substitute("a ${{ inputs.missing }} b ${{ 'it''s' }}", context) == "a  b it's"


# --- the runner, for this action ----------------------------------------------------------------------


@dataclass
class Run:
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    results: dict[str, str] = field(default_factory=dict)  # step name -> success, failure, skipped
    codes: dict[str, int] = field(default_factory=dict)
    stdout: dict[str, str] = field(default_factory=dict)
    stderr: dict[str, str] = field(default_factory=dict)
    uses: dict[str, dict[str, str]] = field(default_factory=dict)  # step name -> evaluated with:

    @property
    def failed(self) -> bool:
        return "failure" in self.results.values()


def _read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text("utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            outputs[name] = "\n".join(value)
        elif line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


def run_action(
    repo: Path,
    inputs: dict[str, str] | None = None,
    event: dict[str, Any] | None = None,
    event_name: str = "push",
) -> Run:
    action = _action()
    given = inputs or {}
    unknown = set(given) - set(action["inputs"])
    assert not unknown, f"not inputs of the action: {unknown}"
    temp = repo.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    context: dict[str, Any] = {
        "inputs": {
            name: str(given.get(name, spec.get("default", ""))) for name, spec in action["inputs"].items()
        },
        "steps": {},
        "runner": {"temp": str(temp), "os": "Linux", "arch": "X64"},
        "github": {
            "action_path": str(ROOT),
            "workspace": str(repo),
            "repository": REPOSITORY,
            "event_name": event_name,
            "event": event or {},
        },
    }
    run = Run()
    for number, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {number}")
        # An `if:` without a status function is `success() && (...)`: no step runs after a failure.
        condition = step.get("if", True)
        if isinstance(condition, str):
            condition = _truthy(evaluate(condition.strip().removeprefix("${{").removesuffix("}}"), context))
        if run.failed or not condition:
            run.results[name] = "skipped"
            continue
        outputs: dict[str, str] = {}
        if "uses" in step:
            run.uses[name] = {
                key: substitute(str(value), context) for key, value in step.get("with", {}).items()
            }
            run.results[name] = "success"
        elif step.get("id") == "install" and not RUN_INSTALL:
            outputs = {"exe": str(CONSOLE_SCRIPT), "python": sys.executable}
            run.results[name] = "success"
        else:
            assert step["shell"] == "bash", name
            script = temp / f"step-{number}.sh"
            script.write_text(step["run"], "utf-8")
            output_file = temp / f"output-{number}"
            output_file.write_text("")
            env = {
                **os.environ,
                **{key: substitute(str(value), context) for key, value in step.get("env", {}).items()},
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_WORKSPACE": str(repo),
                "GITHUB_REPOSITORY": REPOSITORY,
                "RUNNER_TEMP": str(temp),
            }
            done = subprocess.run(
                [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=repo,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            run.codes[name] = done.returncode
            run.stdout[name] = done.stdout
            run.stderr[name] = done.stderr
            run.results[name] = "success" if done.returncode == 0 else "failure"
            outputs = _read_outputs(output_file)
        run.outputs[name] = outputs
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs}
    return run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A user's repository with a template holding findings (four SQK101 warnings)."""
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    shutil.copy(FIXTURES / "SQK101" / "bad.yaml", repo / "infra" / "queues.yaml")
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    return repo


def _steps() -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in _action()["runs"]["steps"]}


LINT, UPLOAD, FAIL = "Lint", "Upload SARIF", "Fail on findings"


# --- the scripts ----------------------------------------------------------------------------------------


def test_findings_annotate_upload_then_fail(repo: Path) -> None:
    run = run_action(repo)
    assert run.results[LINT] == "success", run.stdout.get(LINT, "") + run.stderr.get(LINT, "")
    annotations = [line for line in run.stdout[LINT].splitlines() if line.startswith("::warning ")]
    assert len(annotations) == 4, run.stdout[LINT]
    assert annotations[0].startswith("::warning file=infra/queues.yaml,line=45,"), annotations[0]
    assert "SQK101" in annotations[0]
    assert run.outputs[LINT]["status"] == "1"

    sarif = json.loads((repo / "sqs-kms-lint.sarif").read_text("utf-8"))
    results = sarif["runs"][0]["results"]
    assert [result["ruleId"] for result in results] == ["SQK101"] * 4
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/queues.yaml"

    # the report is uploaded before the findings fail the action
    assert run.uses[UPLOAD] == {"sarif_file": "sqs-kms-lint.sarif", "category": "sqs-kms-lint"}
    assert run.codes[FAIL] == 1 and run.results[FAIL] == "failure"


def test_fail_on_never_passes_with_the_same_report(repo: Path) -> None:
    run = run_action(repo, {"fail-on": "never", "sarif-file": "reports/lint.sarif", "category": "infra-prod"})
    assert run.outputs[LINT]["status"] == "0"
    assert run.stdout[LINT].count("::warning ") == 4
    assert len(json.loads((repo / "reports" / "lint.sarif").read_text("utf-8"))["runs"][0]["results"]) == 4
    assert run.uses[UPLOAD] == {"sarif_file": "reports/lint.sarif", "category": "infra-prod"}
    assert run.codes[FAIL] == 0 and not run.failed


def test_clean_repository(repo: Path) -> None:
    (repo / "infra" / "queues.yaml").unlink()
    shutil.copy(FIXTURES / "SQK101" / "good.yaml", repo / "infra" / "queues.yaml")
    run = run_action(repo, {"path": "infra"})
    assert run.outputs[LINT]["status"] == "0" and "::warning" not in run.stdout[LINT]
    assert json.loads((repo / "sqs-kms-lint.sarif").read_text("utf-8"))["runs"][0]["results"] == []
    assert not run.failed


@pytest.mark.parametrize(
    ("upload", "event_name", "head", "uploads"),
    [
        ("true", "push", None, True),
        ("true", "pull_request", REPOSITORY, True),
        ("true", "pull_request", "someone/infra-fork", False),
        ("false", "push", None, False),
        ("False", "pull_request", REPOSITORY, False),
    ],
)
def test_upload_is_skipped_when_off_or_from_a_fork(
    repo: Path, upload: str, event_name: str, head: str | None, uploads: bool
) -> None:
    event = {"pull_request": {"head": {"repo": {"full_name": head}}}} if head else {}
    run = run_action(repo, {"upload": upload}, event=event, event_name=event_name)
    assert run.results[UPLOAD] == ("success" if uploads else "skipped")
    # annotations and the final verdict do not depend on the upload
    assert run.stdout[LINT].count("::warning ") == 4
    assert run.codes[FAIL] == 1


def test_paths_config_baseline_and_args(repo: Path) -> None:
    (repo / "more").mkdir()
    shutil.copy(FIXTURES / "SQK101" / "bad.yaml", repo / "more" / "queues.yaml")
    (repo / "lint config.yaml").write_text("rules:\n  SQK101: error\n")

    # paths: words over blanks and newlines; a config path with a blank stays one argument
    run = run_action(repo, {"path": "infra\n  more", "config": "lint config.yaml", "args": "--jobs 1"})
    assert run.results[LINT] == "success", run.stdout[LINT] + run.stderr[LINT]
    errors = [line for line in run.stdout[LINT].splitlines() if line.startswith("::error ")]
    assert len(errors) == 8 and "::warning" not in run.stdout[LINT]
    assert {line.split(",")[0] for line in errors} == {
        "::error file=infra/queues.yaml",
        "::error file=more/queues.yaml",
    }
    assert run.outputs[LINT]["status"] == "1"

    # args: split like shell words, quotes group
    run = run_action(repo, {"path": "infra", "args": "--ignore 'SQK101,SQK102' --jobs 1"})
    assert run.outputs[LINT]["status"] == "0" and "::warning" not in run.stdout[LINT]
    assert not run.failed

    baseline = repo / "baseline.json"
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "infra", "--write-baseline", str(baseline)], cwd=repo, capture_output=True
    )
    assert done.returncode in (0, 1) and baseline.exists(), done.stderr
    run = run_action(repo, {"path": "infra", "baseline": "baseline.json"})
    assert run.outputs[LINT]["status"] == "0" and "::warning" not in run.stdout[LINT]
    assert not run.failed
    # the uploaded report keeps the baselined findings, marked as such; the step says what was hidden
    results = json.loads((repo / "sqs-kms-lint.sarif").read_text("utf-8"))["runs"][0]["results"]
    assert [(r["ruleId"], r["baselineState"]) for r in results] == [("SQK101", "unchanged")] * 4
    assert "sqs-kms-lint: baseline baseline.json: 4 findings hidden; 0 of 4 entries" in run.stderr[LINT]


def test_further_reports_through_args(repo: Path) -> None:
    run = run_action(
        repo, {"fail-on": "never", "args": "-f junit:reports/sqs-kms-lint.xml -f gitlab:gl-code-quality.json"}
    )
    assert run.results[LINT] == "success", run.stderr[LINT]
    assert run.stdout[LINT].count("::warning ") == 4  # the annotations still go to the log
    cases = ET.fromstring((repo / "reports" / "sqs-kms-lint.xml").read_text("utf-8")).iter("testcase")
    assert [case.get("name") for case in cases] == [
        f"SQK101 kms-key-bare-alias at infra/queues.yaml:{line}:7" for line in (45, 51, 57, 63)
    ]
    issues = json.loads((repo / "gl-code-quality.json").read_text("utf-8"))
    assert [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("infra/queues.yaml", line) for line in (45, 51, 57, 63)
    ]


def test_unbalanced_args_quote_is_an_error(repo: Path) -> None:
    run = run_action(repo, {"args": "--select 'SQK101"})
    assert run.results[LINT] == "failure"
    assert "::error::sqs-kms-lint: cannot split the args input" in run.stdout[LINT]
    assert "No closing quotation" in run.stderr[LINT]
    assert run.results[FAIL] == "skipped"


def test_a_usage_error_fails_at_once(repo: Path) -> None:
    run = run_action(repo, {"config": "missing.yaml"})
    assert run.codes[LINT] == 2 and run.outputs[LINT]["status"] == "2"
    assert "::error::sqs-kms-lint exited with 2" in run.stdout[LINT]
    assert run.results[UPLOAD] == run.results[FAIL] == "skipped"


def test_inputs_are_never_run_as_code(repo: Path) -> None:
    marker = repo / "pwned"
    hostile = f"$(touch {marker}) `touch {marker}` ; touch {marker} *"
    run = run_action(repo, {"path": f"infra {hostile}", "args": "--jobs 1", "fail-on": "never"})
    assert not marker.exists()
    # every word reached the linter as a path, unexpanded (no glob either): it reports them as missing
    assert run.codes[LINT] == 2

    run = run_action(repo, {"args": hostile.replace("*", "'*'"), "sarif-file": f"$(touch {marker}).sarif"})
    assert not marker.exists()


def test_prepare_step_outputs(repo: Path) -> None:
    run = run_action(repo, {"fail-on": "never"})
    outputs = run.outputs["Prepare sqs-kms-lint"]
    temp = repo.parent / "runner-temp"
    assert Path(outputs["venv"]).parent == temp and Path(outputs["pip-cache"]).parent == temp
    version = "py{}.{}".format(*sys.version_info[:2])
    assert outputs["cache-key"].startswith(outputs["cache-prefix"])
    assert outputs["cache-prefix"].endswith(f"-{version}-")
    assert run.uses["Cache pip downloads"] == {
        "path": outputs["pip-cache"],
        "key": outputs["cache-key"],
        "restore-keys": outputs["cache-prefix"],
    }


@pytest.mark.skipif(not RUN_INSTALL, reason="installs from PyPI; set SQS_KMS_LINT_TEST_ACTION_INSTALL=1")
def test_install_step_creates_its_own_environment(repo: Path) -> None:
    run = run_action(repo, {"python": sys.executable})
    exe = Path(run.outputs["Install sqs-kms-lint"]["exe"])
    assert exe.parent.parent.parent == repo.parent / "runner-temp" and exe.exists()
    assert run.outputs[LINT]["status"] == "1"
    again = run_action(repo, {"python": sys.executable})  # a second use in the same job
    assert "Reusing" in again.stdout["Install sqs-kms-lint"]
    assert again.outputs["Install sqs-kms-lint"]["exe"] == str(exe)


# --- the file itself -------------------------------------------------------------------------------------


def test_every_script_parses_and_takes_no_expression() -> None:
    for name, step in _steps().items():
        if "run" not in step:
            continue
        assert "${{" not in step["run"], f"{name}: an expression pasted into a script (script injection)"
        assert step["shell"] == "bash"
        done = subprocess.run([BASH, "-n"], input=step["run"], capture_output=True, text=True)
        assert done.returncode == 0, f"{name}: {done.stderr}"


def test_every_input_is_used_and_reaches_scripts_through_env() -> None:
    action = _action()
    text = ACTION.read_text("utf-8")
    for name in action["inputs"]:
        assert re.search(rf"inputs\.{re.escape(name)}(?![\w-])", text), f"input {name} is never used"
    for step in action["runs"]["steps"]:
        for key, value in step.get("env", {}).items():
            assert isinstance(value, str), key


def test_every_action_is_pinned_by_commit() -> None:
    lines = [line.strip() for line in ACTION.read_text("utf-8").splitlines() if "uses:" in line]
    used = [step["uses"] for step in _action()["runs"]["steps"] if "uses" in step]
    assert len(lines) == len(used) and used
    for line, uses in zip(lines, used, strict=True):
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), line
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), uses
    assert not any(
        step.get("uses", "").startswith("actions/setup-python") for step in _action()["runs"]["steps"]
    )
