"""Hostile inputs, generated: each shape alone and all of them in one directory beside a sound template.

    python benchmarks/hostile.py                 # every shape at its small size, then the whole directory
    python benchmarks/hostile.py --big           # also the big cases (24 MB one-line template, 50 MB plan,
                                                 # 50 MB YAML, 100,000-queue snapshot)
    python benchmarks/hostile.py --scale 10      # the shapes at 10x their size

Each run is the CLI in a fresh process (`--format json --fail-on never`), timed with its peak memory
(the child's own maximum resident set, from wait4). A run must exit 0, print no traceback, and keep the sound template's
SQK001; the table says so per shape. Figures go to the README ("Hostile input").
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

SOUND = (
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    "  Sound:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: false\n"
)
HEADER = (
    'AWSTemplateFormatVersion: "2010-09-09"\nConditions:\n  C: !Equals [!Ref "AWS::Region", x]\nResources:\n'
)

Shape = Callable[[Path, int], None]
TIMEOUT = 120.0  # seconds before a case is stopped (--timeout)


def getatt_chain(folder: Path, scale: int) -> None:
    links = 16 * scale
    lines = [HEADER, "  Q0:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: q\n"]
    for i in range(1, links):
        lines.append(
            f"  Q{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            f'      QueueName: !Join ["-", [!GetAtt Q{i - 1}.QueueName, !If [C, a, b]]]\n'
        )
    (folder / "getatt-chain.yaml").write_text("".join(lines))


def find_in_map_fanout(folder: Path, scale: int) -> None:
    keys = 8
    depth = 6 * scale
    mappings = ["Mappings:\n"]
    for level in range(depth):
        mappings.append(f"  M{level}:\n")
        for key in range(keys):
            value = (
                f"!FindInMap [M{level + 1}, !If [C, k0, k1], !If [C, v0, v1]]" if level + 1 < depth else "x"
            )
            mappings.append(f"    k{key}:\n      v0: {value}\n      v1: {value}\n")
    body = HEADER.replace("Resources:\n", "".join(mappings) + "Resources:\n")
    body += "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !FindInMap [M0, k0, v0]\n"
    (folder / "find-in-map.yaml").write_text(body)


def sub_many(folder: Path, scale: int) -> None:
    text = "${AWS::Region}" * (100_000 * scale)
    (folder / "sub.yaml").write_text(
        HEADER + f"  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '{text}'\n"
    )


def terraform_locals(folder: Path, scale: int) -> None:
    n = 30 * scale
    lines = ['variable "c" {}\nlocals {\n  a0 = "x"\n']
    for i in range(1, n):
        lines.append(f'  a{i} = var.c ? "${{local.a{i - 1}}}x" : "${{local.a{i - 1}}}y"\n')
    lines.append("}\n")
    lines.append(f'resource "aws_sqs_queue" "q" {{\n  name = local.a{n - 1}\n}}\n')
    target = folder / "tf-locals"
    target.mkdir()
    (target / "main.tf").write_text("".join(lines))


def module_diamond(folder: Path, scale: int) -> None:
    levels = 4 + scale
    root = folder / "tf-diamond"
    for level in range(levels + 1):
        module = root / f"m{level}"
        module.mkdir(parents=True)
        calls = (
            "".join(f'module "c{k}" {{\n  source = "../m{level + 1}"\n}}\n' for k in range(2))
            if level < levels
            else 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'
        )
        (module / "main.tf").write_text(calls)


def yaml_anchors(folder: Path, scale: int) -> None:
    n = 5000 * scale
    lines = [HEADER, "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n"]
    lines.append("        - &a0 {Key: k, Value: v}\n")
    lines.extend(f"        - &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, n))
    (folder / "anchors.yaml").write_text("".join(lines))


def yaml_big_mapping(folder: Path, scale: int) -> None:
    n = 50_000 * scale
    body = "".join(f"        k{i}: v\n" for i in range(n))
    (folder / "mapping.yaml").write_text(
        HEADER + "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Extra:\n" + body
    )


def heredocs(folder: Path, scale: int) -> None:
    target = folder / "tf-heredoc"
    target.mkdir()
    (target / "open.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  policy = <<EOF\n' + "\n" * 150_000 * scale
    )
    (target / "spaces.tf").write_text(
        'resource "aws_sqs_queue" "r" {\n  policy = <<EOF\n' + " " * 200_000 * scale + "\nEOF\n}\n"
    )
    (target / "nesting.tf").write_text('locals {\n  x = "' + "${" * 5000 * scale + '"\n}\n')
    (target / "digits.tf").write_text(f"locals {{\n  x = {'9' * 5000} * {'9' * 5000}\n}}\n")


def plan_dots(folder: Path, scale: int) -> None:
    address = "module." + ".module.".join(["a"] * (150_000 * scale))
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"child_modules": [{"address": address, "resources": []}]}},
        "configuration": {"root_module": {}},
    }
    (folder / "plan-dots.json").write_text(json.dumps(plan))


def gitignore_stars(folder: Path, scale: int) -> None:
    target = folder / "ignored"
    target.mkdir()
    (target / ".gitignore").write_text("*a" * 40 * scale + "b\n")
    (target / ("a" * 200 + ".yaml")).write_text(SOUND.replace("Sound", "Other"))


def encodings(folder: Path, scale: int) -> None:
    (folder / "utf16-nobom.yaml").write_bytes(SOUND.replace("Sound", "Sixteen").encode("utf-16-le"))
    (folder / "utf32.yaml").write_bytes(SOUND.replace("Sound", "ThirtyTwo").encode("utf-32"))
    (folder / "odd.yaml").write_bytes(SOUND.encode("utf-16-le") + b"A")


def _budget_shapes() -> dict[str, Shape]:
    """The exponential shapes of tests/test_budgets.py (each exponential without the step budget), at the
    sizes that took minutes before it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests import test_budgets as shapes

    def template(name: str, text: Callable[[], str]) -> Shape:
        return lambda folder, scale: (folder / f"{name}.yaml").write_text(text())

    def module(name: str, text: Callable[[], str]) -> Shape:
        def make(folder: Path, scale: int) -> None:
            (folder / name).mkdir()
            (folder / name / "main.tf").write_text(text())

        return make

    def tree(name: str, build: Callable[[Path], None]) -> Shape:
        def make(folder: Path, scale: int) -> None:
            (folder / name).mkdir()
            build(folder / name)

        return make

    return {
        "getatt-join-if chain, 40 links": template("chain", lambda: shapes.getatt_join_chain(40)),
        "select chain, 40 links": template("select", lambda: shapes.select_chain(40)),
        "find-in-map fan-out, 8x4": template("fan-out", lambda: shapes.find_in_map_fan_out(8)),
        "sub doubling, 30 links": template("doubling", lambda: shapes.sub_doubling(30)),
        "terraform names chain, 20 links": module("names", lambda: shapes.terraform_names(20)),
        "terraform defaults, 40 links": module("defaults", lambda: shapes.terraform_defaults(40)),
        "terraform locals x8, 12 links": module(
            "locals8", lambda: shapes.terraform_locals(12, '"' + "${{{previous}}}" * 8 + '"')
        ),
        "module outputs chain, 8 levels": tree("outputs", lambda f: shapes.module_chain(f, 8)),
        "module fan-out 5x8": tree("fan", lambda f: shapes.module_tree(f, 5, 8)),
    }


def terraform_deep(folder: Path, scale: int) -> None:
    """tests/test_hostile_input.py's deep and long Terraform expressions, each in a module of its own."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.test_hostile_input import DEEP_TERRAFORM

    for name, text in DEEP_TERRAFORM.items():
        (folder / f"tf-deep-{name}").mkdir()
        (folder / f"tf-deep-{name}" / "main.tf").write_text(text)


SHAPES: dict[str, Shape] = {
    "getatt-chain": getatt_chain,
    "find-in-map-fanout": find_in_map_fanout,
    "sub-100k": sub_many,
    "terraform-locals": terraform_locals,
    "module-diamond": module_diamond,
    "yaml-anchors": yaml_anchors,
    "yaml-50k-keys": yaml_big_mapping,
    "heredocs-nesting-digits": heredocs,
    "terraform-deep-expressions": terraform_deep,
    "plan-300k-dots": plan_dots,
    "gitignore-stars": gitignore_stars,
    "encodings": encodings,
}


def one_line_template(folder: Path, scale: int) -> None:
    queues = {
        f"Queue{i}": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": f"q{i}" + "x" * 1900, "SqsManagedSseEnabled": False},
        }
        for i in range(12_000 * scale)
    }
    (folder / "minified.json").write_text(
        json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": queues})
    )


def big_plan(folder: Path, scale: int) -> None:
    resources = [
        {
            "address": f"aws_sqs_queue.q{i}",
            "mode": "managed",
            "type": "aws_sqs_queue",
            "name": f"q{i}",
            "values": {"name": f"q{i}", "delay_seconds": 0, "tags": {"padding": "p" * 400}},
        }
        for i in range(80_000 * scale)
    ]
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}
    (folder / "big-plan.json").write_text(json.dumps(plan, indent=2))


def big_yaml(folder: Path, scale: int) -> None:
    tags = "".join(f"        - {{Key: k{i}, Value: {'v' * 20}}}\n" for i in range(1_200_000 * scale))
    (folder / "big.yaml").write_text(
        HEADER + "  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n" + tags
    )


def big_snapshot(folder: Path, scale: int) -> None:
    queues = [
        {
            "QueueArn": f"arn:aws:sqs:us-east-1:111122223333:q{i}",
            "Attributes": {"SqsManagedSseEnabled": "true", "KmsDataKeyReusePeriodSeconds": "300"},
        }
        for i in range(100_000 * scale)
    ]
    (folder / "snapshot.json").write_text(json.dumps({"account": "111122223333", "queues": queues}))


BIG: dict[str, Shape] = {
    "24 MB one-line template": one_line_template,
    "50 MB plan JSON": big_plan,
    "50 MB YAML": big_yaml,
    "100,000-queue snapshot": big_snapshot,
}


# The big cases are 24-57 MB: above the default --max-file-size (50 MB) a file is skipped, not timed.
LIMIT = ("--max-file-size", "100")


@functools.cache
def _cold(python: str) -> tuple[str, ...]:
    """`--no-cache` for a version that has a cache: every case is a cold run."""
    shown = subprocess.run([python, "-m", "sqs_kms_lint", "--help"], capture_output=True, text=True).stdout
    return ("--no-cache",) if "--no-cache" in shown else ()


def lint(folder: Path, *extra: str, python: str = sys.executable) -> tuple[float, float, int, str, str]:
    """Seconds, peak MB (the child's own maximum resident set), exit code, stdout, stderr of the CLI."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [
                python,
                "-m",
                "sqs_kms_lint",
                "--format",
                "json",
                "--fail-on",
                "never",
                *_cold(python),
                *LIMIT,
                *extra,
                ".",
            ],
            cwd=folder,
            stdout=out,
            stderr=err,
        )
        killer = threading.Timer(TIMEOUT, child.kill)  # a case still running then is reported as such
        killer.start()
        _, status, usage = os.wait4(child.pid, 0)
        killer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return seconds, usage.ru_maxrss / 1024, child.returncode, out.read(), err.read()


def verdict(code: int, out: str, err: str, sound: bool) -> str:
    problems = []
    if code == -9:
        return f"stopped after {TIMEOUT:.0f} s"
    if code != 0:
        problems.append(f"exit {code}")
    if "Traceback" in err:
        problems.append("traceback")
    if sound:
        try:
            found = {(f["rule"], f["resource"]) for f in json.loads(out)}
        except ValueError:
            found = set()
        if ("SQK001", "Sound") not in found:
            problems.append("sound finding lost")
    return "ok" if not problems else ", ".join(problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big", action="store_true", help="also the big cases")
    parser.add_argument(
        "--only", metavar="TEXT", help="only the cases whose name holds TEXT (and all of them)"
    )
    parser.add_argument("--scale", type=int, default=1, help="multiply each shape's size")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a case is stopped")
    parser.add_argument(
        "--before",
        metavar="PYTHON",
        help="also run each case with this interpreter (a venv of an older checkout), side by side",
    )
    args = parser.parse_args()
    global TIMEOUT
    TIMEOUT = args.timeout
    columns = ["after"] if not args.before else ["before", "after"]
    print("| case | " + " | ".join(f"{c} s | {c} MB | {c}" for c in columns) + " |")
    print("|---|" + "---|---|---|" * len(columns))
    interpreters = {"after": sys.executable, "before": args.before}
    with tempfile.TemporaryDirectory() as scratch:
        everything = Path(scratch) / "all"
        everything.mkdir()
        (everything / ".git").mkdir()
        (everything / "sound.yaml").write_text(SOUND)
        cases: dict[str, Shape | None] = {**SHAPES, **_budget_shapes()}
        if args.big:
            cases.update(BIG)
        cases["**all of it in one directory**"] = None
        if args.only:
            cases = {n: m for n, m in cases.items() if m is None or args.only.lower() in n.lower()}
        for name, make in cases.items():
            if make is None:
                folder = everything
            else:
                folder = Path(scratch) / name.replace(" ", "-").replace(",", "")
                folder.mkdir()
                (folder / ".git").mkdir()
                (folder / "sound.yaml").write_text(SOUND)
                _generate(make, folder, args.scale)
                _copy(folder, everything, name)
            cells = []
            for column in columns:  # alternately, on the same files
                seconds, peak, code, out, err = lint(folder, python=str(interpreters[column]))
                cells.append(f"{seconds:.2f} | {peak:.0f} | {verdict(code, out, err, True)}")
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


def _generate(make: Shape, folder: Path, scale: int) -> None:
    """Make a case in a child process: the big ones take hundreds of MB to build, which this process
    would keep, and every lint started from it would count in its peak memory (a forked child's resident
    pages before exec)."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=make, args=(folder, scale))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"could not make {folder.name}")


def _copy(source: Path, target: Path, name: str) -> None:
    """Each shape in its own folder of the shared directory (names do not collide)."""
    destination = target / name.replace(" ", "-").replace(",", "")
    subprocess.run(["cp", "-r", str(source), str(destination)], check=True)
    git = destination / ".git"
    if git.exists():
        os.rmdir(git)


if __name__ == "__main__":
    sys.exit(main())
