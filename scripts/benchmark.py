"""Benchmark: sqs-kms-lint against the cost of parsing alone, side by side in one run.

Generates a corpus of CloudFormation templates (YAML and JSON) and raw AWS snapshots, then times, in
interleaved rounds so that a noisy shared machine affects each contender alike:
  C floor       YAML: PyYAML's C composer (nodes with marks, no objects built); JSON: json.loads
  our decoders  what a run uses: our YAML loader on PyYAML's C parser, our JSON decoder with marks
  cfn-lint's    cfn-lint's decoder on every file (what this project used before its own)
  sqs-kms-lint  the whole pipeline in-process: walk, classify, parse, resolve, all rules, SARIF
  cfn-lint      (with --cfn-lint) cfn-lint's own full run on the templates, for scale
and prints the median of each. Usage: python scripts/benchmark.py [--templates 200] [--rounds 5] [--cfn-lint]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import yaml
from cfnlint.decode import decode
from sqs_kms_lint.cli import main as lint_main
from sqs_kms_lint.parsers.located import decode_json, decode_yaml

QUEUE = """\
  Queue{i}:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${{AWS::StackName}}-q{i}{fifo}"
      FifoQueue: {is_fifo}
      KmsMasterKeyId: {key}
      KmsDataKeyReusePeriodSeconds: {period}
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Dlq{i}.Arn
        maxReceiveCount: 5
  Dlq{i}:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: {is_fifo}
      KmsMasterKeyId: !GetAtt Key.Arn
"""
HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Period: {Type: Number, Default: 300}
  Env: {Type: String}
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
  Alias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/bench, TargetKeyId: !Ref Key}
"""
KEYS = ["!GetAtt Key.Arn", "!Ref Key", "alias/bench", "!If [Prod, !GetAtt Key.Arn, alias/aws/sqs]"]


def make_corpus(root: Path, templates: int, queues: int) -> list[Path]:
    files = []
    for t in range(templates):
        body = HEADER + "".join(
            QUEUE.format(
                i=i,
                fifo=".fifo" if i % 3 == 0 else "",
                is_fifo="true" if i % 3 == 0 else "false",
                key=KEYS[(t + i) % len(KEYS)],
                period="!Ref Period" if i % 2 else 60 + i,
            )
            for i in range(queues)
        )
        path = root / f"stack{t:04d}.yaml"
        path.write_text(body)
        files.append(path)
        if t % 4 == 0:  # a JSON twin, as CDK would synthesise
            template, _ = decode(str(path))
            twin = root / f"stack{t:04d}.template.json"
            twin.write_text(json.dumps(template, indent=1, default=str))
            files.append(twin)
    for s in range(max(templates // 10, 1)):
        snapshot = {
            "account": "111122223333",
            "queues": [
                {
                    "QueueArn": f"arn:aws:sqs:us-east-1:111122223333:q{s}-{i}",
                    "Attributes": {"SqsManagedSseEnabled": "true", "VisibilityTimeout": "30"},
                }
                for i in range(50)
            ],
        }
        path = root / f"snapshot{s:03d}.json"
        path.write_text(json.dumps(snapshot, indent=2))
        files.append(path)
    return files


def time_decode(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        decode(str(path))
    return time.perf_counter() - start


def time_floor(texts: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for suffix, text in texts:
        if suffix == ".json":
            json.loads(text)
        else:
            yaml.compose(text, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def time_ours(texts: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for suffix, text in texts:
        (decode_json if suffix == ".json" else decode_yaml)(text)
    return time.perf_counter() - start


def time_lint(root: Path) -> float:
    start = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        lint_main([str(root), "--format", "sarif", "--fail-on", "never", "--no-cache", "--jobs", "1"])
    return time.perf_counter() - start


def time_cfn_lint(files: list[Path]) -> float:
    templates = [str(p) for p in files if p.suffix == ".yaml"]
    start = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), *templates], capture_output=True)
    if done.returncode not in (0, 2, 4, 6, 8, 10, 12, 14):  # cfn-lint's exit codes are bit flags of levels
        raise RuntimeError(f"cfn-lint failed: {done.stderr.decode()[:300]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=int, default=200)
    parser.add_argument("--queues", type=int, default=10, help="queues per template (each with a DLQ)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cfn-lint", action="store_true", help="also time cfn-lint's full run (slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = make_corpus(root, args.templates, args.queues)
        lines = sum(len(p.read_text().splitlines()) for p in files)
        yaml_files = sum(p.suffix == ".yaml" for p in files)
        texts = [(p.suffix, p.read_text()) for p in files]
        contenders: dict[str, tuple[Callable[[], float], int]] = {
            "C floor (PyYAML C compose / json.loads)": (lambda: time_floor(texts), len(files)),
            "our decoders (with marks)": (lambda: time_ours(texts), len(files)),
            "cfn-lint's decoder (before)": (lambda: time_decode(files), len(files)),
            "sqs-kms-lint (all rules, SARIF)": (lambda: time_lint(root), len(files)),
        }
        if args.cfn_lint:
            contenders["cfn-lint (its own rules; YAML templates only)"] = (
                lambda: time_cfn_lint(files),
                yaml_files,
            )
        times: dict[str, list[float]] = {name: [] for name in contenders}
        time_lint(root)  # warm imports and caches once, for every contender alike
        for _ in range(args.rounds):
            for name, (run, _) in contenders.items():
                times[name].append(run())
        print(f"corpus: {len(files)} files, {lines} lines; {args.rounds} interleaved rounds, median")
        print("| contender | files | median s | ms/file | files/s |")
        print("|---|---|---|---|---|")
        for name, samples in times.items():
            median, count = statistics.median(samples), contenders[name][1]
            print(f"| {name} | {count} | {median:.2f} | {1000 * median / count:.2f} | {count / median:.0f} |")


if __name__ == "__main__":
    main()
