"""Expansion is bounded by design: small hostile files (chains that refer to their previous link twice,
fan-outs of mappings and modules, huge integers) cost work linear in their size, or stop at the unit's
budget; either way a sound queue beside them keeps its finding, and nothing raises.

Work is measured as evaluation steps (`values.Budget.used`), not wall time. The shapes are big enough
that before budgets they took minutes, ran out of memory or raised (the comments say what they cost);
a few were linear already (Terraform locals were remembered, a small module diamond) and stay as guards.

The budget (`values.MAX_STEPS`, 200,000 steps a unit) was chosen by measuring: the most any unit of
fixtures/ takes is 1,455 steps; over the real-world corpus (benchmarks/corpus, 14 repositories, 3,290
units) it is 8,363 (aws-security-reference-architecture-examples' Terraform solutions), and a unit holds
at most 32 module instances (terraform-aws-eks; `terraform.MAX_MODULE_INSTANCES` is 200).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqs_kms_lint.config import settings_from
from sqs_kms_lint.discover import build_units, collect
from sqs_kms_lint.engine import Finding, run
from sqs_kms_lint.model import UNKNOWN, Queue, Unit
from sqs_kms_lint.parsers import cloudformation, terraform
from sqs_kms_lint.values import MAX_STEPS, Budget

from .conftest import ROOT

HEADER = (
    'AWSTemplateFormatVersion: "2010-09-09"\n'
    'Conditions:\n  C: !Equals [!Ref "AWS::Region", us-east-1]\n'
    "Resources:\n"
    # the sound queue: SSE switched off and no key, SQK001 on its last line
    "  Sound:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
)
SOUND_LINE = HEADER.count("\n")
TF_SOUND = 'resource "aws_sqs_queue" "sound" {\n  sqs_managed_sse_enabled = false\n}\n'
TF_SOUND_LINE = 2


def _queue(name: str, properties: str) -> str:
    return f"  {name}:\n    Type: AWS::SQS::Queue\n    Properties:\n{properties}"


# ---- generators ------------------------------------------------------------------------------------


def getatt_join_chain(links: int, branch: bool = True) -> str:
    """Queue N is named after queue N-1 (`Fn::GetAtt ... QueueName`) joined with an `Fn::If`."""
    text = HEADER + _queue("Q0", "      QueueName: base\n")
    tail = "!If [C, a, b]" if branch else "x"
    for i in range(1, links + 1):
        text += _queue(f"Q{i}", f"      QueueName: !Join ['-', [!GetAtt Q{i - 1}.QueueName, {tail}]]\n")
    return text


def select_chain(links: int) -> str:
    """Each name picks one of two references to the previous name (both are resolved)."""
    text = HEADER + _queue("Q0", "      QueueName: base\n")
    for i in range(1, links + 1):
        previous = f"!GetAtt Q{i - 1}.QueueName"
        text += _queue(f"Q{i}", f"      QueueName: !Select [0, [{previous}, {previous}]]\n")
    return text


def find_in_map_fan_out(levels: int, keys: int = 4) -> str:
    """Each mapping value looks up every key of the level below (under `Fn::If` and `Fn::Join`)."""
    names = [f"k{k}" for k in range(keys)]
    mappings = "Mappings:\n  M:\n    L0: {" + ", ".join(f"{k}: x{k}" for k in names) + "}\n"
    for level in range(1, levels + 1):
        below = ", ".join(f"!FindInMap [M, L{level - 1}, {k}]" for k in names)
        values = ", ".join(
            f"{k}: !If [C, !FindInMap [M, L{level - 1}, {k}], !Join ['', [{below}]]]" for k in names
        )
        mappings += f"    L{level}: {{{values}}}\n"
    return HEADER + _queue("Q", f"      QueueName: !FindInMap [M, L{levels}, k0]\n") + mappings


def sub_text(text: str) -> str:
    return HEADER + _queue("Q", f"      QueueName: !Sub '{text}'\n")


def sub_doubling(links: int) -> str:
    """Each name is the previous one twice: the text doubles at each link."""
    text = HEADER + _queue("Q0", "      QueueName: base\n")
    for i in range(1, links + 1):
        text += _queue(f"Q{i}", f"      QueueName: !Sub '${{Q{i - 1}.QueueName}}${{Q{i - 1}.QueueName}}'\n")
    return text


def terraform_locals(links: int, link: str) -> str:
    """`local.aN` from `local.aN-1` (as `{previous}` in `link`)."""
    lines = [TF_SOUND, 'variable "c" {}\nlocals {\n  a0 = "x"\n']
    for i in range(1, links + 1):
        lines.append(f"  a{i} = {link.format(previous=f'local.a{i - 1}')}\n")
    lines.append(
        f'}}\nresource "aws_sqs_queue" "q" {{\n  name = local.a{links}\n  policy = jsonencode(local.a{links})\n}}\n'
    )
    return "".join(lines)


def terraform_names(links: int) -> str:
    lines = [TF_SOUND, 'variable "c" {}\nresource "aws_sqs_queue" "q0" {\n  name = "base"\n}\n']
    for i in range(1, links + 1):
        previous = f"aws_sqs_queue.q{i - 1}.name"
        lines.append(f'resource "aws_sqs_queue" "q{i}" {{\n  name = var.c ? {previous} : {previous}\n}}\n')
    return "".join(lines)


def terraform_defaults(links: int) -> str:
    lines = [TF_SOUND, 'variable "v0" {\n  default = "x"\n}\n']
    for i in range(1, links + 1):
        previous = f"var.v{i - 1}"
        lines.append(f'variable "v{i}" {{\n  default = coalesce({", ".join([previous] * 4)})\n}}\n')
    lines.append(f'resource "aws_sqs_queue" "q" {{\n  name = var.v{links}\n}}\n')
    return "".join(lines)


def module_chain(folder: Path, levels: int) -> None:
    """Module N calls module N+1 once; its output and its queue's name take the child's output eight
    times over."""
    (folder / "main.tf").write_text(TF_SOUND + 'module "c" {\n  source = "./m1"\n}\n')
    for level in range(1, levels + 1):
        module = folder / f"m{level}"
        module.mkdir()
        if level < levels:
            child = f'module "c" {{\n  source = "../m{level + 1}"\n}}\n'
            value = f"coalesce({', '.join(['module.c.o'] * 8)})"
        else:
            child, value = "", '"x"'
        (module / "main.tf").write_text(
            f'{child}output "o" {{\n  value = {value}\n}}\n'
            f'resource "aws_sqs_queue" "q" {{\n  name = {value}\n}}\n'
        )


def module_tree(folder: Path, levels: int, calls: int) -> None:
    """Module N calls module N+1 `calls` times, each with its own argument; its output joins its
    children's outputs, its queue is named by them."""
    (folder / "main.tf").write_text(
        TF_SOUND + "".join(f'module "c{k}" {{\n  source = "./m1"\n  x = "r{k}"\n}}\n' for k in range(calls))
    )
    for level in range(1, levels + 1):
        module = folder / f"m{level}"
        module.mkdir()
        if level < levels:
            children = "".join(
                f'module "c{k}" {{\n  source = "../m{level + 1}"\n  x = "${{var.x}}{k}"\n}}\n'
                for k in range(calls)
            )
            value = '"' + "".join(f"${{module.c{k}.o}}" for k in range(calls)) + '"'
        else:
            children, value = "", "var.x"
        (module / "main.tf").write_text(
            f'variable "x" {{}}\n{children}output "o" {{\n  value = {value}\n}}\n'
            f'resource "aws_sqs_queue" "q" {{\n  name = {value}\n}}\n'
        )


# ---- running ---------------------------------------------------------------------------------------


@pytest.fixture()
def budgets(monkeypatch: pytest.MonkeyPatch) -> list[Budget]:
    """Every budget made while the test runs, to read the work each unit took."""
    made: list[Budget] = []
    make = Budget.__init__

    def record(self: Budget, *args: object, **kwargs: object) -> None:
        make(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Budget, "__init__", record)
    return made


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # local modules are read within it
    return tmp_path


def lint(target: str) -> tuple[Unit, list[Finding]]:
    (unit,) = build_units(collect([target]), roots=[target])
    return unit, run(unit, settings_from({}))


def work(budgets: list[Budget], unit: Unit) -> int:
    """The steps the unit's evaluation took."""
    return sum(b.used for b in budgets if b.unit is unit)


def found(findings: list[Finding]) -> set[tuple[str, int]]:
    return {(f.code, f.span.line) for f in findings}


def queue(unit: Unit, name: str) -> Queue:
    return next(q for q in unit.queues if q.name == name)


def assert_sound(unit: Unit, findings: list[Finding], line: int = SOUND_LINE) -> None:
    assert ("SQK001", line) in found(findings)
    assert not unit.errors  # no SQK000: nothing raised


# ---- CloudFormation --------------------------------------------------------------------------------


@pytest.mark.parametrize("links", [10, 40])
def test_getatt_join_chain_over_if_is_linear(repo: Path, budgets: list[Budget], links: int) -> None:
    (repo / "t.yaml").write_text(getatt_join_chain(links))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    assert unit.budget_exhausted is None
    assert work(budgets, unit) < 30 * links + 200  # was 2**links


def test_a_long_getatt_chain_still_resolves(repo: Path, budgets: list[Budget]) -> None:
    """Names are remembered as the queues are read, so a chain longer than the depth limit resolves."""
    (repo / "t.yaml").write_text(getatt_join_chain(60, branch=False))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    name = queue(unit, "Q60").queue_name
    assert name is not None and name.single == "base" + "-x" * 60
    assert work(budgets, unit) < 30 * 60 + 200


def test_select_chain_is_linear(repo: Path, budgets: list[Budget]) -> None:
    (repo / "t.yaml").write_text(select_chain(40))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    name = queue(unit, "Q40").queue_name
    assert name is not None and name.single == "base"
    assert work(budgets, unit) < 30 * 40 + 200  # was 2**40


def test_find_in_map_fan_out_is_linear(repo: Path, budgets: list[Budget]) -> None:
    (repo / "t.yaml").write_text(find_in_map_fan_out(20, keys=4))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    assert unit.budget_exhausted is None
    assert work(budgets, unit) < 100 * 20 * 4  # was 5**20


def test_sub_with_many_openings_is_scanned_once(repo: Path, budgets: list[Budget]) -> None:
    class Counting(str):
        finds = 0

        def find(self, *args: object) -> int:  # type: ignore[override]
            Counting.finds += 1
            return super().find(*args)  # type: ignore[arg-type]

    assert list(cloudformation._sub_variables(Counting("${" * 100_000))) == []
    assert Counting.finds <= 2  # (a regular expression took quadratic time: minutes)
    (repo / "t.yaml").write_text(sub_text("${" * 100_000))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    assert work(budgets, unit) < 10_000
    name = queue(unit, "Q").queue_name
    assert name is not None and name.single == "${" * 100_000


def test_sub_with_many_variables_is_linear(repo: Path, budgets: list[Budget]) -> None:
    (repo / "t.yaml").write_text(sub_text("${AWS::Region}-${Sound.QueueName}" * 20_000))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    assert unit.budget_exhausted is None
    assert work(budgets, unit) < 3 * 40_000


def test_doubling_text_runs_out_of_budget_not_memory(repo: Path, budgets: list[Budget]) -> None:
    """Each link doubles the name: 2**60 characters. The budget charges text by its length, stops, and
    says so; what was read before (the sound queue) keeps its finding, later values are unknown."""
    (repo / "t.yaml").write_text(sub_doubling(60))
    unit, findings = lint("t.yaml")
    assert_sound(unit, findings)
    assert unit.budget_exhausted is not None and f"{MAX_STEPS:,} steps" in unit.budget_exhausted
    assert work(budgets, unit) <= MAX_STEPS + 1
    name = queue(unit, "Q60").queue_name
    assert name is not None and name.options == (UNKNOWN,)


def test_a_shared_parameter_default_is_charged_by_its_size(budgets: list[Budget]) -> None:
    """A default that shares its parts (YAML aliases make one of 2**40 leaves in 40 lines) costs its
    size, each time it is referred to: the budget stops it, and the unit says so."""
    shared: list = ["x"]
    for _ in range(40):
        shared = [shared, shared]
    template = {
        "Parameters": {"P": {"Type": "String", "Default": shared}},
        "Resources": {
            "Sound": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": False}},
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": {"Ref": "P"}}},
        },
    }
    unit = Unit("t.yaml")
    cloudformation.parse_template(template, "t.yaml", unit)
    assert unit.budget_exhausted is not None and f"{MAX_STEPS:,} steps" in unit.budget_exhausted
    assert work(budgets, unit) <= MAX_STEPS + 1
    sound, q = unit.queues
    assert sound.sqs_managed_sse is not None and sound.sqs_managed_sse.single is False
    assert q.kms_key is not None and q.kms_key.options == (UNKNOWN,)


# ---- Terraform -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        'var.c ? "${{{previous}}}x" : "${{{previous}}}y"',  # options double until they are too many
        'var.c ? "${{{previous}}}" : "${{{previous}}}"',  # both branches the same
        "coalesce({previous}, {previous}, {previous}, {previous})",
        '"' + "${{{previous}}}" * 8 + '"',  # the text grows eightfold
        "[" + ", ".join(["{previous}"] * 8) + "]",  # the structure does (its parts shared)
        "merge({{a = {previous}}}, {{b = {previous}}})",
        "concat([{previous}], [{previous}])",
    ],
)
def test_terraform_local_chains_are_bounded(repo: Path, budgets: list[Budget], link: str) -> None:
    (repo / "main.tf").write_text(terraform_locals(12, link))  # (longer chains meet the depth limit)
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    assert work(budgets, unit) <= MAX_STEPS + 1


def test_terraform_text_explosion_stops_at_the_budget(repo: Path, budgets: list[Budget]) -> None:
    """Eight copies of the previous text at each link: 8**12 characters."""
    (repo / "main.tf").write_text(terraform_locals(12, '"' + "${{{previous}}}" * 8 + '"'))
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    assert unit.budget_exhausted is not None and f"{MAX_STEPS:,} steps" in unit.budget_exhausted
    assert work(budgets, unit) <= MAX_STEPS + 1
    name = queue(unit, "aws_sqs_queue.q").queue_name
    assert name is not None and name.options == (UNKNOWN,)


def test_terraform_resource_name_chain_is_linear(repo: Path, budgets: list[Budget]) -> None:
    (repo / "main.tf").write_text(terraform_names(40))
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    name = queue(unit, "aws_sqs_queue.q40").queue_name
    assert name is not None and name.single == "base"
    assert work(budgets, unit) < 40 * 40 + 200  # was 2**40


def test_terraform_variable_default_chain_is_linear(repo: Path, budgets: list[Budget]) -> None:
    (repo / "main.tf").write_text(terraform_defaults(40))
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    assert work(budgets, unit) < 40 * 40 + 200  # was 4**(links within the depth limit)


def test_module_output_chain_is_linear(repo: Path, budgets: list[Budget]) -> None:
    """Outputs are evaluated once each, however often they are referred to."""
    module_chain(repo, levels=8)
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    assert unit.budget_exhausted is None
    name = queue(unit, "module.c.aws_sqs_queue.q").queue_name
    assert name is not None and name.single == "x"
    assert work(budgets, unit) < 100 * 8  # was 8**8


def test_module_diamond_is_linear(repo: Path, budgets: list[Budget]) -> None:
    """Each module calls the next twice, four levels: 30 instances; outputs are evaluated once each."""
    module_tree(repo, levels=4, calls=2)
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    assert unit.budget_exhausted is None
    assert len([q for q in unit.queues if q.name.endswith("aws_sqs_queue.q")]) == 2 + 4 + 8 + 16
    assert work(budgets, unit) < 100 * 31


def test_module_fan_out_stops_at_the_instance_budget(repo: Path, budgets: list[Budget]) -> None:
    """Five calls a level, eight levels: 488,280 instances without the budget (a minute and a GB)."""
    module_tree(repo, levels=8, calls=5)
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    reason = unit.budget_exhausted
    assert reason is not None and f"{terraform.MAX_MODULE_INSTANCES} module instances" in reason
    assert len(unit.queues) < terraform.MAX_MODULE_INSTANCES + 1
    assert work(budgets, unit) < 100 * terraform.MAX_MODULE_INSTANCES


def test_huge_integers_are_unknown(repo: Path, budgets: list[Budget]) -> None:
    nines = "9" * 5000
    (repo / "main.tf").write_text(
        TF_SOUND + 'locals {\n  big = "' + "9" * 3000 + '"\n}\n'
        f'resource "aws_sqs_queue" "q" {{\n  kms_data_key_reuse_period_seconds = {nines}\n'
        f"  delay_seconds = {'9' * 3000} * {'9' * 3000}\n"
        f"  max_message_size = local.big * local.big\n"
        f"  message_retention_seconds = -{nines}\n"
        f"  visibility_timeout_seconds = [1, 2].{nines}\n"
        f'  name = "${{{"9" * 4000} + 1}}"\n'
        "}\n"
    )
    unit, findings = lint("main.tf")
    assert_sound(unit, findings, line=TF_SOUND_LINE)
    q = queue(unit, "aws_sqs_queue.q")
    assert q.reuse_period is not None and q.reuse_period.options == (UNKNOWN,)
    assert q.queue_name is not None and q.queue_name.options == (UNKNOWN,)


# ---- the budget's choice ---------------------------------------------------------------------------


def test_every_fixture_stays_far_below_the_budget(budgets: list[Budget], monkeypatch) -> None:
    monkeypatch.chdir(ROOT / "fixtures")
    units = build_units(collect(["."]), roots=["."])
    assert all(u.budget_exhausted is None for u in units)
    most = max(work(budgets, u) for u in units)
    assert most < MAX_STEPS // 20, most  # 1,455 when the budget was chosen
