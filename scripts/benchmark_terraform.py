"""Benchmark: the cost of reading Terraform, per .tf file, side by side in one run.

Generates a module directory of .tf files of about 430 lines each, as real modules mix them: a quarter
queues, keys and aliases (with policies, conditionals, references), the rest roles, functions and buckets
we never read. Times, in interleaved rounds:
  hcl2.loads         python-hcl2's dict API (parse + its transformer + serialisation): what most tools use
  hcl2 parse tree    python-hcl2's raw Lark parse tree of the whole file
  prefilter + tree   our scan blanking unread blocks, then the parse tree of what is left
  tree-sitter        tree-sitter-hcl's parse alone (the floor: the fastest HCL parser Python has)
  our front          hcl_fast: tree-sitter's parse translated into the same Lark tree (the last reader)
  prefilter + front  our scan, then the front
  tree-sitter reader tf_sitter: tree-sitter's parse, read into blocks and attributes whose expressions
                     stay tree-sitter nodes until evaluated (what a run uses)
  prefilter + reader our scan, then the reader
  sqs-kms-lint       our whole run on the module: prefilter, parse, evaluation, model, all rules, SARIF
and prints the median per file. Usage: python scripts/benchmark_terraform.py [--files 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import hcl2.api
from sqs_kms_lint.cli import main as lint_main
from sqs_kms_lint.parsers import hcl_fast, tf_sitter
from sqs_kms_lint.parsers.hcl_prefilter import blank_unread_blocks
from sqs_kms_lint.parsers.resource_types import TERRAFORM_READ_TYPES as READ_RESOURCE_TYPES

BLOCK = """\
resource "aws_kms_key" "key_{i}" {{
  description         = "key {i}"
  enable_key_rotation = true
  is_enabled          = var.enabled
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = {{ AWS = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root" }}
      Action    = "kms:*"
      Resource  = "*"
    }}]
  }})
}}

resource "aws_kms_alias" "alias_{i}" {{
  name          = "alias/${{local.prefix}}-{i}"
  target_key_id = aws_kms_key.key_{i}.key_id
}}

resource "aws_sqs_queue" "queue_{i}" {{
  name                              = "${{local.prefix}}-queue-{i}${{var.fifo ? ".fifo" : ""}}"
  fifo_queue                        = var.fifo
  content_based_deduplication       = var.fifo
  kms_master_key_id                 = {i} % 2 == 0 ? aws_kms_key.key_{i}.arn : aws_kms_alias.alias_{i}.arn
  kms_data_key_reuse_period_seconds = var.period * {factor}
  visibility_timeout_seconds        = 30
  message_retention_seconds         = 345600
  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.dlq_{i}.arn
    maxReceiveCount     = 5
  }})
  tags = local.tags
}}

resource "aws_sqs_queue" "dlq_{i}" {{
  name              = "${{local.prefix}}-dlq-{i}${{var.fifo ? ".fifo" : ""}}"
  fifo_queue        = var.fifo
  kms_master_key_id = aws_kms_key.key_{i}.arn
  tags              = local.tags
}}

"""
OTHER = """\
resource "aws_iam_role" "role_{i}" {{
  name = "bench-role-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "lambda.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
  tags = local.tags
}}

resource "aws_lambda_function" "fn_{i}" {{
  function_name = "bench-fn-{i}"
  role          = aws_iam_role.role_{i}.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "${{path.module}}/fn.zip"
  timeout       = 30
  memory_size   = 256
  environment {{
    variables = {{
      QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/111122223333/q-{i}"
      STAGE     = "prod"
    }}
  }}
  tags = local.tags
}}

resource "aws_s3_bucket" "bucket_{i}" {{
  bucket = "bench-bucket-{i}"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "bucket_{i}" {{
  bucket = aws_s3_bucket.bucket_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

"""
HEADER = """\
variable "enabled" {
  default = true
}

variable "fifo" {
  default = false
}

variable "period" {
  default = 60
}

data "aws_caller_identity" "current" {}

locals {
  prefix = "bench"
  tags   = { team = "platform", env = "prod" }
}

"""


def make_module(root: Path, files: int) -> list[Path]:
    paths = []
    for f in range(files):
        text = (HEADER if f == 0 else "") + "".join(
            BLOCK.format(i=f * 100 + i, factor=1 + i % 10) + 2 * OTHER.format(i=f * 100 + i) for i in range(3)
        )
        text += OTHER.format(i=f * 100 + 99)
        path = root / f"part{f:03d}.tf"
        path.write_text(text)
        paths.append(path)
    return paths


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make_module(root, args.files)
        texts = [p.read_text() for p in paths]
        lines = sum(len(t.splitlines()) for t in texts)

        def lint() -> None:
            with redirect_stdout(io.StringIO()):
                lint_main([str(root), "--format", "sarif", "--fail-on", "never", "--no-cache", "--jobs", "1"])

        import tree_sitter
        import tree_sitter_hcl

        sitter = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
        assert all(hcl_fast.parse_tree(t) is not None for t in texts), "the front declined a file"
        assert all(tf_sitter.parse_body(t, "a.tf") is not None for t in texts), "the reader declined a file"

        contenders: dict[str, Callable[[], object]] = {
            "hcl2.loads (dict API)": lambda: [hcl2.api.loads(t) for t in texts],
            "hcl2 parse tree (whole file)": lambda: [hcl2.api.parses_to_tree(t) for t in texts],
            "prefilter + parse tree": lambda: [
                hcl2.api.parses_to_tree(blank_unread_blocks(t, READ_RESOURCE_TYPES) or t) for t in texts
            ],
            "tree-sitter parse alone (the floor)": lambda: [sitter.parse(t.encode()) for t in texts],
            "our front (tree-sitter, translated to the Lark tree)": lambda: [
                hcl_fast.parse_tree(t) for t in texts
            ],
            "prefilter + our front": lambda: [
                hcl_fast.parse_tree(blank_unread_blocks(t, READ_RESOURCE_TYPES) or t) for t in texts
            ],
            "tree-sitter reader (blocks; expressions read when evaluated)": lambda: [
                tf_sitter.parse_body(t, "a.tf") for t in texts
            ],
            "prefilter + tree-sitter reader (what a run uses)": lambda: [
                tf_sitter.parse_body(blank_unread_blocks(t, READ_RESOURCE_TYPES) or t, "a.tf") for t in texts
            ],
            "sqs-kms-lint (whole run)": lint,
        }
        lint()  # warm imports and the parser's grammar cache once, for every contender alike
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.rounds):
            for name, action in contenders.items():
                times[name].append(timed(action))
        print(
            f"module: {len(paths)} files, {lines} lines ({lines // len(paths)} per file); {args.rounds} interleaved rounds"
        )
        print("| contender | median s | ms per file |")
        print("|---|---|---|")
        for name, samples in times.items():
            median = statistics.median(samples)
            print(f"| {name} | {median:.2f} | {1000 * median / len(paths):.0f} |")


if __name__ == "__main__":
    main()
