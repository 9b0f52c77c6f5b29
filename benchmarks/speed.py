"""Speed: sqs-kms-lint against checkov (its SQS and KMS checks only) on a generated repository, side by side.

    python benchmarks/speed.py --stacks 100 400 --rounds 3      # the table in benchmarks/speed-results.md
    python benchmarks/speed.py --generate-only DIR --stacks 10   # just write the repository, to look at it
    python benchmarks/speed.py --no-checkov --stacks 100         # sqs-kms-lint alone (no venv, no PyPI)

The generator writes N "stacks", each a folder with one CloudFormation YAML template, one CloudFormation JSON
template and one Terraform file of about 500 lines each: queues with and without KMS keys, key policies, SNS
topics and subscriptions, queue policies, dead-letter queues, and roles, functions, buckets and log groups as
noise. It is deterministic (--seed).

checkov runs from its own virtual environment, made by this script (`python -m venv` + `pip install checkov`)
at --checkov-venv and reused when it is there. Its SQS and KMS checks are read from its own registry
(`checkov --list`): the checks whose resource type is an AWS SQS or KMS type and whose title names SQS or KMS,
in its CloudFormation and Terraform frameworks.

Every measurement is a fresh process, timed from spawn to exit (so interpreter start-up is included), with the
child's peak resident set from os.wait4 (ru_maxrss: the largest single process of its tree, not the sum of
a pool's workers). Contenders run alternately, their order rotating each round, and the table keeps the best
(lowest) time of the rounds and the highest peak memory.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VENV = Path.home() / ".cache" / "sqs-kms-lint-bench" / "checkov-venv"
TARGET_LINES = 500
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"

# --------------------------------------------------------------------------------------------------------------
# CloudFormation: resources built as data (intrinsics in their long form), then written as JSON or as YAML with
# the short-form tags people write by hand.

Template = dict[str, object]


def ref(name: str) -> dict[str, object]:
    return {"Ref": name}


def getatt(name: str, attribute: str) -> dict[str, object]:
    return {"Fn::GetAtt": [name, attribute]}


def sub(text: str) -> dict[str, object]:
    return {"Fn::Sub": text}


def if_(condition: str, then: object, otherwise: object) -> dict[str, object]:
    return {"Fn::If": [condition, then, otherwise]}


def root_statement() -> dict[str, object]:
    return {
        "Sid": "EnableRootAccess",
        "Effect": "Allow",
        "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
        "Action": "kms:*",
        "Resource": "*",
    }


def service_statement(service: str, source: object | None, sid: str) -> dict[str, object]:
    statement: dict[str, object] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": f"{service}.amazonaws.com"},
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
    }
    if source is not None:
        statement["Condition"] = {"ArnLike": {"aws:SourceArn": source}}
    return statement


def cfn_key(rng: random.Random, name: str, services: list[tuple[str, object | None]]) -> Template:
    statements = [root_statement()]
    for service, source in services:
        statements.append(service_statement(service, source, f"Allow{service.capitalize()}"))
    if rng.random() < 0.3:
        statements.append(
            {
                "Sid": "AllowAdmins",
                "Effect": "Allow",
                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/Admin")},
                "Action": [
                    "kms:Describe*",
                    "kms:List*",
                    "kms:Put*",
                    "kms:ScheduleKeyDeletion",
                    "kms:TagResource",
                ],
                "Resource": "*",
            }
        )
    if rng.random() < 0.08:  # an over-broad grant, for the key-policy rules to find
        statements.append(
            {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
        )
    properties: dict[str, object] = {
        "Description": f"Encryption key for {name}",
        "EnableKeyRotation": rng.random() < 0.8,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": statements},
        "Tags": [{"Key": "team", "Value": ref("Team")}, {"Key": "stage", "Value": ref("Stage")}],
    }
    if rng.random() < 0.05:
        properties["Enabled"] = False
    return {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "Properties": properties}


def cfn_queue(
    rng: random.Random,
    stack: int,
    name: str,
    key: object | None,
    *,
    fifo: bool = False,
    dlq: str | None = None,
    sse: bool | None = None,
) -> Template:
    suffix = ".fifo" if fifo else ""
    properties: dict[str, object] = {
        "QueueName": sub(f"${{AWS::StackName}}-{name.lower()}-{stack}{suffix}"),
        "VisibilityTimeout": rng.choice([30, 60, 120, 300, 900]),
        "MessageRetentionPeriod": rng.choice([86400, 345600, 1209600]),
    }
    if fifo:
        properties["FifoQueue"] = True
        if rng.random() < 0.7:
            properties["ContentBasedDeduplication"] = True
    if key is not None:
        properties["KmsMasterKeyId"] = key
        if rng.random() < 0.6:
            properties["KmsDataKeyReusePeriodSeconds"] = rng.choice([60, 300, 900, 3600, ref("ReusePeriod")])
    elif sse is not None:
        properties["SqsManagedSseEnabled"] = sse
    if dlq is not None:
        properties["RedrivePolicy"] = {"deadLetterTargetArn": getatt(dlq, "Arn"), "maxReceiveCount": 5}
    properties["Tags"] = [{"Key": "team", "Value": ref("Team")}]
    return {"Type": "AWS::SQS::Queue", "Properties": properties}


def cfn_queue_policy(queue: str, service: str, source: object) -> Template:
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [ref(queue)],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": f"Allow{service.capitalize()}",
                        "Effect": "Allow",
                        "Principal": {"Service": f"{service}.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": getatt(queue, "Arn"),
                        "Condition": {"ArnEquals": {"aws:SourceArn": source}},
                    }
                ],
            },
        },
    }


def cfn_role(name: str, statements: list[dict[str, object]], service: str = "lambda") -> Template:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": f"{service}.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "ManagedPolicyArns": [
                sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
            ],
            "Policies": [
                {
                    "PolicyName": f"{name}-access",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                }
            ],
        },
    }


def cfn_function(rng: random.Random, role: str, environment: dict[str, object]) -> Template:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Handler": "app.handler",
            "Runtime": rng.choice(["python3.12", "python3.11", "nodejs20.x"]),
            "Role": getatt(role, "Arn"),
            "Timeout": rng.choice([10, 30, 60]),
            "MemorySize": rng.choice([128, 256, 512]),
            "Code": {"S3Bucket": ref("ArtifactBucket"), "S3Key": sub("${Stage}/functions/app.zip")},
            "Environment": {"Variables": environment},
            "Tags": [{"Key": "team", "Value": ref("Team")}],
        },
    }


def unit_encrypted_queue(rng: random.Random, stack: int, n: int) -> dict[str, Template]:
    """A CMK, its alias, a queue and its dead-letter queue, and a consumer."""
    key, alias, queue, dlq = f"OrdersKey{n}", f"OrdersKeyAlias{n}", f"OrdersQueue{n}", f"OrdersDlq{n}"
    fifo = rng.random() < 0.25
    reference = rng.choice(
        [
            getatt(key, "Arn"),
            ref(key),
            ref(alias),
            if_("IsProd", getatt(key, "Arn"), "alias/aws/sqs"),
            sub(f"arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{AWS::AccountId}}:alias/orders-{stack}-{n}"),
        ]
    )
    resources: dict[str, Template] = {
        key: cfn_key(rng, queue, [("sqs", None)] if rng.random() < 0.5 else []),
        alias: {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": f"alias/orders-{stack}-{n}", "TargetKeyId": ref(key)},
        },
        dlq: cfn_queue(rng, stack, dlq, getatt(key, "Arn"), fifo=fifo and rng.random() < 0.9),
        queue: cfn_queue(rng, stack, queue, reference, fifo=fifo, dlq=dlq),
    }
    if rng.random() < 0.6:
        statements: list[dict[str, object]] = [
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": getatt(queue, "Arn"),
            }
        ]
        if rng.random() < 0.8:
            statements.append({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": getatt(key, "Arn")})
        resources[f"Worker{n}Role"] = cfn_role(f"worker-{n}", statements)
        resources[f"Worker{n}"] = cfn_function(rng, f"Worker{n}Role", {"QUEUE_URL": ref(queue)})
        resources[f"Worker{n}Mapping"] = {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": getatt(queue, "Arn"),
                "FunctionName": ref(f"Worker{n}"),
                "BatchSize": 10,
            },
        }
    return resources


def unit_sns_fanout(rng: random.Random, stack: int, n: int) -> dict[str, Template]:
    """A topic fanning out to a queue through a subscription and a queue policy."""
    topic, queue, key = f"EventsTopic{n}", f"EventsQueue{n}", f"EventsKey{n}"
    resources: dict[str, Template] = {
        topic: {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": sub(f"${{AWS::StackName}}-events-{n}"),
                "KmsMasterKeyId": "alias/aws/sns",
            },
        }
    }
    choice = rng.random()
    if choice < 0.5:
        grant = ("sns", ref(topic)) if rng.random() < 0.7 else ("sqs", None)
        resources[key] = cfn_key(rng, queue, [grant])
        resources[queue] = cfn_queue(rng, stack, queue, getatt(key, "Arn"))
    elif choice < 0.75:
        resources[queue] = cfn_queue(rng, stack, queue, "alias/aws/sqs")  # SNS cannot use the AWS managed key
    else:
        resources[queue] = cfn_queue(rng, stack, queue, None, sse=True)
    resources[f"{queue}Policy"] = cfn_queue_policy(queue, "sns", ref(topic))
    resources[f"{queue}Subscription"] = {
        "Type": "AWS::SNS::Subscription",
        "Properties": {
            "TopicArn": ref(topic),
            "Protocol": "sqs",
            "Endpoint": getatt(queue, "Arn"),
            "RawMessageDelivery": True,
        },
    }
    return resources


def unit_plain_queue(rng: random.Random, stack: int, n: int) -> dict[str, Template]:
    """Queues as older templates have them: unencrypted, SSE-SQS, or a bare alias."""
    queue = f"LegacyQueue{n}"
    key = rng.choice([None, None, "alias/legacy", "alias/aws/sqs", ""])
    sse = rng.choice([None, False, True]) if key is None else None
    return {queue: cfn_queue(rng, stack, queue, key, sse=sse, fifo=rng.random() < 0.1)}


def unit_noise(rng: random.Random, stack: int, n: int) -> dict[str, Template]:
    """A bucket, a role and a function, and a log group: nothing a queue rule reads."""
    bucket = f"DataBucket{n}"
    return {
        bucket: {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketName": sub(f"${{AWS::StackName}}-data-{stack}-{n}"),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}
                    ]
                },
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
            },
        },
        f"Reporter{n}Role": cfn_role(
            f"reporter-{n}",
            [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": sub(f"${{{bucket}.Arn}}/*"),
                }
            ],
        ),
        f"Reporter{n}": cfn_function(rng, f"Reporter{n}Role", {"BUCKET": ref(bucket), "STAGE": ref("Stage")}),
        f"Reporter{n}Logs": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": sub(f"/aws/lambda/${{Reporter{n}}}"), "RetentionInDays": 14},
        },
    }


UNITS: list[tuple[Callable[[random.Random, int, int], dict[str, Template]], float]] = [
    (unit_encrypted_queue, 0.35),
    (unit_sns_fanout, 0.25),
    (unit_plain_queue, 0.15),
    (unit_noise, 0.25),
]


def cfn_template(rng: random.Random, stack: int, render: Callable[[Template], str]) -> str:
    template: Template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Stack {stack}: order processing and event fan-out",
        "Parameters": {
            "Stage": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"},
            "Team": {"Type": "String", "Default": "platform"},
            "ReusePeriod": {"Type": "Number", "Default": 300},
            "ArtifactBucket": {"Type": "String"},
        },
        "Conditions": {"IsProd": {"Fn::Equals": [ref("Stage"), "prod"]}},
        "Resources": {},
    }
    resources: dict[str, Template] = template["Resources"]  # type: ignore[assignment]
    functions, weights = zip(*UNITS, strict=True)
    n = 0
    lines = 0
    while lines < TARGET_LINES:
        before = dict(resources)
        resources.update(rng.choices(functions, weights)[0](rng, stack, n))
        n += 1
        previous, lines = lines, render(template).count("\n") + 8  # + the outputs
        if lines > TARGET_LINES and lines - TARGET_LINES > TARGET_LINES - previous:
            resources.clear()  # the last unit overshoots more than stopping short of it does
            resources.update(before)
            break
    queues = [name for name, body in resources.items() if body["Type"] == "AWS::SQS::Queue"][:2]
    template["Outputs"] = {
        f"{q}Url": {"Value": ref(q), "Export": {"Name": sub(f"${{AWS::StackName}}-{q}")}} for q in queues
    }
    return render(template)


def as_json(template: Template) -> str:
    return json.dumps(template, indent=2) + "\n"


_PLAIN = re.compile(r"[A-Za-z_/][\w./@*:-]*(?<!:)")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_SHORT = {"Ref": "Ref", "Fn::Sub": "Sub", "Fn::If": "If", "Fn::Equals": "Equals", "Fn::Join": "Join"}


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text)


def _inline(value: object) -> str | None:
    """A value as one line (a scalar, or a short-form intrinsic of such values), or None."""
    if isinstance(value, dict) and len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Fn::GetAtt":
            return f"!GetAtt {argument[0]}.{argument[1]}"
        if name in _SHORT:
            inner = _inline(argument)
            return None if inner is None else f"!{_SHORT[name]} {inner}"
    if isinstance(value, list):
        parts = [_inline(item) for item in value]
        if all(part is not None for part in parts):
            text = "[" + ", ".join(parts) + "]"  # type: ignore[arg-type]
            return text if len(text) < 90 else None
        return None
    if isinstance(value, dict):
        return "{}" if not value else None
    return _scalar(value)


def _yaml(value: object, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            inline = _inline(item)
            if inline is not None:
                out.append(f"{pad}{key}: {inline}")
            else:
                out.append(f"{pad}{key}:")
                _yaml(item, indent + 2, out)
    elif isinstance(value, list):
        for item in value:
            inline = _inline(item) if not isinstance(item, dict) or len(item) == 1 else None
            if inline is not None:
                out.append(f"{pad}- {inline}")
            else:
                start = len(out)
                _yaml(item, indent + 2, out)
                out[start] = f"{pad}- " + out[start][indent + 2 :]
    else:
        out.append(pad + _scalar(value))


def as_yaml(template: Template) -> str:
    out: list[str] = []
    for section, body in template.items():
        inline = _inline(body)
        if inline is not None:
            out.append(f"{section}: {inline}")
        else:
            out.append(f"{section}:")
            _yaml(body, 2, out)
        if section != "AWSTemplateFormatVersion":
            out.append("")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Terraform: text blocks with the same mix.

TF_HEADER = """\
terraform {{
  required_version = ">= 1.5"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

variable "stage" {{
  type    = string
  default = "dev"
}}

variable "reuse_period" {{
  type    = number
  default = 300
}}

data "aws_caller_identity" "current" {{}}
data "aws_partition" "current" {{}}
data "aws_region" "current" {{}}

locals {{
  prefix     = "stack{stack}-${{var.stage}}"
  account_id = data.aws_caller_identity.current.account_id
  tags = {{
    team  = "platform"
    stage = var.stage
    stack = "{stack}"
  }}
}}

"""

TF_KEY = """\
resource "aws_kms_key" "{name}" {{
  description             = "Encryption key for {name}"
  enable_key_rotation     = {rotation}
  deletion_window_in_days = 30{disabled}
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "EnableRootAccess"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:${{data.aws_partition.current.partition}}:iam::${{local.account_id}}:root" }}
        Action    = "kms:*"
        Resource  = "*"
      }},{grants}
    ]
  }})
  tags = local.tags
}}

resource "aws_kms_alias" "{name}" {{
  name          = "alias/${{local.prefix}}-{name}"
  target_key_id = aws_kms_key.{name}.key_id
}}

"""

TF_GRANT = """
      {{
        Sid       = "Allow{service_title}"
        Effect    = "Allow"
        Principal = {{ Service = "{service}.amazonaws.com" }}
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = "*"{condition}
      }},"""

TF_QUEUE = """\
resource "aws_sqs_queue" "{name}" {{
  name                       = "${{local.prefix}}-{name}{suffix}"
  visibility_timeout_seconds = {visibility}
  message_retention_seconds  = {retention}{fifo}{encryption}{redrive}
  tags                       = local.tags
}}

"""

TF_QUEUE_POLICY = """\
resource "aws_sqs_queue_policy" "{queue}" {{
  queue_url = aws_sqs_queue.{queue}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "AllowSns"
      Effect    = "Allow"
      Principal = {{ Service = "sns.amazonaws.com" }}
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.{queue}.arn
      Condition = {{
        ArnEquals = {{ "aws:SourceArn" = aws_sns_topic.{topic}.arn }}
      }}
    }}]
  }})
}}

resource "aws_sns_topic" "{topic}" {{
  name              = "${{local.prefix}}-{topic}"
  kms_master_key_id = "alias/aws/sns"
  tags              = local.tags
}}

resource "aws_sns_topic_subscription" "{queue}" {{
  topic_arn            = aws_sns_topic.{topic}.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.{queue}.arn
  raw_message_delivery = true
}}

"""

TF_FUNCTION = """\
resource "aws_iam_role" "{name}" {{
  name = "${{local.prefix}}-{name}"
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

resource "aws_iam_role_policy" "{name}" {{
  name = "{name}-access"
  role = aws_iam_role.{name}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{statements}
    ]
  }})
}}

resource "aws_lambda_function" "{name}" {{
  function_name = "${{local.prefix}}-{name}"
  role          = aws_iam_role.{name}.arn
  handler       = "app.handler"
  runtime       = "{runtime}"
  filename      = "${{path.module}}/build/app.zip"
  timeout       = {timeout}
  memory_size   = {memory}
  environment {{
    variables = {{
      {variable} = {value}
      STAGE = var.stage
    }}
  }}
  tags = local.tags
}}

"""

TF_STATEMENT = """
      {{
        Effect   = "Allow"
        Action   = {actions}
        Resource = {resource}
      }},"""

TF_BUCKET = """\
resource "aws_s3_bucket" "{name}" {{
  bucket = "${{local.prefix}}-{name}"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "{name}" {{
  bucket = aws_s3_bucket.{name}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "{name}" {{
  bucket = aws_s3_bucket.{name}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms"
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "{name}" {{
  bucket                  = aws_s3_bucket.{name}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_cloudwatch_log_group" "{name}" {{
  name              = "/aws/lambda/${{local.prefix}}-{name}"
  retention_in_days = 14
}}

"""


def tf_key(rng: random.Random, name: str, grants: list[tuple[str, str | None]]) -> str:
    text = ""
    for service, source in grants:
        condition = ""
        if source is not None:
            condition = f'\n        Condition = {{ ArnLike = {{ "aws:SourceArn" = {source} }} }}'
        text += TF_GRANT.format(service=service, service_title=service.capitalize(), condition=condition)
    return TF_KEY.format(
        name=name,
        rotation=str(rng.random() < 0.8).lower(),
        disabled="\n  is_enabled              = false" if rng.random() < 0.05 else "",
        grants=text,
    )


def tf_queue(
    rng: random.Random,
    name: str,
    key: str | None,
    *,
    fifo: bool = False,
    dlq: str | None = None,
    sse: bool | None = None,
) -> str:
    encryption = ""
    if key is not None:
        encryption = f"\n  kms_master_key_id          = {key}"
        if rng.random() < 0.6:
            period = rng.choice(["60", "300", "900", "3600", "var.reuse_period"])
            encryption += f"\n  kms_data_key_reuse_period_seconds = {period}"
    elif sse is not None:
        encryption = f"\n  sqs_managed_sse_enabled    = {str(sse).lower()}"
    fifo_text = ""
    if fifo:
        fifo_text = "\n  fifo_queue                 = true"
        if rng.random() < 0.7:
            fifo_text += "\n  content_based_deduplication = true"
    redrive = ""
    if dlq is not None:
        redrive = (
            "\n  redrive_policy = jsonencode({\n"
            f"    deadLetterTargetArn = aws_sqs_queue.{dlq}.arn\n"
            "    maxReceiveCount     = 5\n  })"
        )
    return TF_QUEUE.format(
        name=name,
        suffix=".fifo" if fifo else "",
        visibility=rng.choice([30, 60, 120, 300, 900]),
        retention=rng.choice([86400, 345600, 1209600]),
        fifo=fifo_text,
        encryption=encryption,
        redrive=redrive,
    )


def tf_function(
    rng: random.Random, name: str, statements: list[tuple[str, str]], variable: str, value: str
) -> str:
    return TF_FUNCTION.format(
        name=name,
        statements="".join(TF_STATEMENT.format(actions=a, resource=r) for a, r in statements),
        runtime=rng.choice(["python3.12", "python3.11", "nodejs20.x"]),
        timeout=rng.choice([10, 30, 60]),
        memory=rng.choice([128, 256, 512]),
        variable=variable,
        value=value,
    )


def tf_encrypted_queue(rng: random.Random, n: int) -> str:
    key, queue, dlq = f"orders_{n}", f"orders_{n}", f"orders_dlq_{n}"
    fifo = rng.random() < 0.25
    reference = rng.choice(
        [
            f"aws_kms_key.{key}.arn",
            f"aws_kms_key.{key}.key_id",
            f"aws_kms_alias.{key}.arn",
            f'var.stage == "prod" ? aws_kms_key.{key}.arn : "alias/aws/sqs"',
            f'"arn:aws:kms:us-east-1:{OTHER_ACCOUNT}:alias/shared-orders"',
        ]
    )
    text = tf_key(rng, key, [("sqs", None)] if rng.random() < 0.5 else [])
    text += tf_queue(rng, dlq, f"aws_kms_key.{key}.arn", fifo=fifo and rng.random() < 0.9)
    text += tf_queue(rng, queue, reference, fifo=fifo, dlq=dlq)
    if rng.random() < 0.6:
        statements = [
            (
                '["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]',
                f"aws_sqs_queue.{queue}.arn",
            )
        ]
        if rng.random() < 0.8:
            statements.append(('"kms:Decrypt"', f"aws_kms_key.{key}.arn"))
        text += tf_function(rng, f"worker_{n}", statements, "QUEUE_URL", f"aws_sqs_queue.{queue}.url")
        text += (
            f'resource "aws_lambda_event_source_mapping" "worker_{n}" {{\n'
            f"  event_source_arn = aws_sqs_queue.{queue}.arn\n"
            f"  function_name    = aws_lambda_function.worker_{n}.arn\n"
            "  batch_size       = 10\n}\n\n"
        )
    return text


def tf_sns_fanout(rng: random.Random, n: int) -> str:
    topic, queue, key = f"events_{n}", f"events_{n}", f"events_{n}"
    choice = rng.random()
    text = ""
    if choice < 0.5:
        grant = ("sns", f"aws_sns_topic.{topic}.arn") if rng.random() < 0.7 else ("sqs", None)
        text += tf_key(rng, key, [grant])
        text += tf_queue(rng, queue, f"aws_kms_key.{key}.arn")
    elif choice < 0.75:
        text += tf_queue(rng, queue, '"alias/aws/sqs"')
    else:
        text += tf_queue(rng, queue, None, sse=True)
    return text + TF_QUEUE_POLICY.format(queue=queue, topic=topic)


def tf_plain_queue(rng: random.Random, n: int) -> str:
    key = rng.choice([None, None, '"alias/legacy"', '"alias/aws/sqs"', '""'])
    sse = rng.choice([None, False, True]) if key is None else None
    return tf_queue(rng, f"legacy_{n}", key, sse=sse, fifo=rng.random() < 0.1)


def tf_noise(rng: random.Random, n: int) -> str:
    bucket = f"data_{n}"
    return TF_BUCKET.format(name=bucket) + tf_function(
        rng,
        f"reporter_{n}",
        [('["s3:GetObject", "s3:PutObject"]', f'"${{aws_s3_bucket.{bucket}.arn}}/*"')],
        "BUCKET",
        f"aws_s3_bucket.{bucket}.id",
    )


TF_UNITS: list[tuple[Callable[[random.Random, int], str], float]] = [
    (tf_encrypted_queue, 0.35),
    (tf_sns_fanout, 0.25),
    (tf_plain_queue, 0.15),
    (tf_noise, 0.25),
]


def tf_file(rng: random.Random, stack: int) -> str:
    text = TF_HEADER.format(stack=stack)
    functions, weights = zip(*TF_UNITS, strict=True)
    n = 0
    while text.count("\n") < TARGET_LINES:
        more = text + rng.choices(functions, weights)[0](rng, n)
        n += 1
        if more.count("\n") - TARGET_LINES > TARGET_LINES - text.count("\n"):
            break  # the last unit overshoots more than stopping short of it does
        text = more
    return text


def generate(root: Path, stacks: int, seed: int) -> dict[str, int]:
    """Writes the repository; returns the number of files and lines."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)  # the repository's root, as a checkout has it
    files = lines = 0
    for stack in range(stacks):
        folder = root / "stacks" / f"stack{stack:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        texts = {
            "template.yaml": cfn_template(random.Random(f"{seed}-{stack}-yaml"), stack, as_yaml),
            "template.json": cfn_template(random.Random(f"{seed}-{stack}-json"), stack, as_json),
            "main.tf": tf_file(random.Random(f"{seed}-{stack}-tf"), stack),
        }
        for name, text in texts.items():
            (folder / name).write_text(text)
            files += 1
            lines += text.count("\n")
    return {"files": files, "lines": lines}


# --------------------------------------------------------------------------------------------------------------
# Measuring.


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)
    findings: int | None = None


@dataclass
class Contender:
    command: list[str]
    findings: Callable[[bytes], int | None] = lambda stdout: None  # from the last run's stdout
    rerun: str | None = None  # also run again right away, recorded under this name


def sarif_results(text: bytes) -> int | None:
    try:
        return sum(len(run.get("results", [])) for run in json.loads(text)["runs"])
    except (ValueError, KeyError, TypeError):
        return None


def checkov_findings(reports: Path) -> int | None:
    """The results in the SARIF file checkov wrote (results_sarif.sarif in 3.x), which is then removed."""
    found = None
    for path in reports.glob("*.sarif"):
        found = sarif_results(path.read_bytes())
        path.unlink()
    return found


def measure(command: list[str], cwd: Path, timeout: float) -> tuple[float, float, int, bytes, str]:
    """Wall seconds from spawn to exit, the child's peak RSS in MB (wait4), exit code, stdout, stderr's tail."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        killer = threading.Timer(timeout, child.kill)  # a run still going then is stopped (exit -9)
        killer.start()
        _, status, usage = os.wait4(child.pid, 0)
        killer.cancel()
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        tail = err.read()[-2000:].decode(errors="replace")
        return seconds, usage.ru_maxrss / 1024, child.returncode, out.read(), tail


def compare(
    contenders: dict[str, Contender], cwd: Path, rounds: int, timeout: float, log: Callable[[str], None]
) -> dict[str, Sample]:
    """Each contender once per round, in an order that rotates each round; a re-run right after its first run."""
    samples: dict[str, Sample] = {}
    for name, contender in contenders.items():
        samples[name] = Sample()
        if contender.rerun:
            samples[contender.rerun] = Sample()
    names = list(contenders)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            contender = contenders[name]
            runs = [name] if not contender.rerun else [name, contender.rerun]
            for label in runs:
                seconds, peak, code, out, err = measure(contender.command, cwd, timeout)
                sample = samples[label]
                sample.seconds.append(seconds)
                sample.peak_mb.append(peak)
                sample.codes.add(code)
                sample.findings = contender.findings(out)
                log(f"  round {r + 1} {label}: {seconds:.2f} s, {peak:.0f} MB, exit {code}")
                if "Traceback" in err:
                    log("    stderr: " + err.strip().splitlines()[-1])
    return samples


# --------------------------------------------------------------------------------------------------------------
# checkov.


def checkov_venv(venv: Path, spec: str, log: Callable[[str], None]) -> Path:
    """The checkov executable in VENV, making the environment first if it is not there."""
    executable = venv / "bin" / "checkov"
    if executable.exists():
        return executable
    log(f"making {venv} and installing {spec} (a few minutes, once)")
    python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, spec], check=True)
    return executable


CHECKOV_ENV = {
    "BC_SKIP_MAPPING": "TRUE",  # no request for Prisma Cloud's guideline mappings (as --skip-download)
    "LOG_LEVEL": "ERROR",  # (its warning that the request failed, on a machine without that network)
}


def checkov_ids(executable: Path) -> list[str]:
    """checkov's SQS and KMS checks for CloudFormation and Terraform, from its own registry (`checkov --list`)."""
    listing = subprocess.run(
        [str(executable), "--list"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **CHECKOV_ENV},
    ).stdout
    entities: dict[str, set[str]] = {}
    for line in listing.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 8 or not cells[2].startswith("CKV"):
            continue
        check, entity, framework = cells[2], cells[4], cells[6]
        if framework not in ("Terraform", "Cloudformation"):
            continue
        entities.setdefault(check, set()).add(entity)
    # every resource type a check is registered for is an SQS or KMS one (this leaves out the graph checks
    # registered against all types, such as CKV2_AWS_37 on CodeCommit and CKV2_AWS_75 on CORS)
    ids = [
        c
        for c, types in entities.items()
        if all(re.match(r"aws_(sqs|kms)_|AWS::(SQS|KMS)::", t) for t in types)
    ]
    return sorted(ids, key=lambda c: (c.startswith("CKV2"), int(c.rsplit("_", 1)[1])))


def checkov_version(executable: Path) -> str:
    return subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, env={**os.environ, **CHECKOV_ENV}
    ).stdout.strip()


def checkov_command(
    executable: Path, ids: list[str], target: list[str], frameworks: str, reports: Path
) -> list[str]:
    """checkov prints its CLI summary (the failures only: --quiet --compact) and writes the SARIF in REPORTS."""
    return [
        "env",
        *(f"{k}={v}" for k, v in CHECKOV_ENV.items()),
        str(executable),
        *target,
        "--framework",
        frameworks,
        "--check",
        ",".join(ids),
        "-o",
        "sarif",
        "--output-file-path",
        str(reports),  # not into the repository it scans
        "--quiet",
        "--compact",
        "--soft-fail",
        "--skip-download",
    ]


# --------------------------------------------------------------------------------------------------------------
# The report.


def git(*arguments: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True, text=True).stdout.strip()


def machine(checkov: str, lint: str) -> list[str]:
    load = os.getloadavg()
    return [
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {platform.machine()}, "
        f"Linux {platform.release()}; load average at start {load[0]:.2f}",
        f"- python: {platform.python_version()} ({sys.executable})",
        f"- sqs-kms-lint: {lint}",
        f"- checkov: {checkov}",
    ]


def row(name: str, files: int, sample: Sample, reference: Sample | None) -> str:
    best = min(sample.seconds)
    peak = max(sample.peak_mb)
    if reference is None:
        ratio = "1"
    else:
        ratio = f"{best / min(reference.seconds):.1f}x / {peak / max(reference.peak_mb):.1f}x"
    codes = ",".join(str(c) for c in sorted(sample.codes))
    found = "-" if sample.findings is None else str(sample.findings)
    return (
        f"| {name} | {files} | {best:.2f} | {1000 * best / files:.1f} | {peak:.0f} | {ratio} | {found} | {codes} | "
        + " ".join(f"{s:.2f}" for s in sample.seconds)
        + " |"
    )


HEAD = (
    "| contender | files | best s | ms/file | peak MB | time / memory vs sqs-kms-lint | findings | exit "
    "| every round (s) |\n|---|---|---|---|---|---|---|---|---|"
)


def lint_command(given: str | None, at: str | None, scratch: Path, log: Callable[[str], None]) -> list[str]:
    """How to run sqs-kms-lint: --lint, a snapshot of commit --at, or the console script beside this python."""
    if at:
        commit = git("rev-parse", "--short", at)
        source, site = scratch / f"src-{commit}", scratch / f"site-{commit}"
        source.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
        log(
            f"installing sqs-kms-lint at {commit} into {site} (without its dependencies: they are this python's)"
        )
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
        subprocess.run([*pip, "--target", str(site), str(source)], check=True)
        return ["env", f"PYTHONPATH={site}", sys.executable, "-m", "sqs_kms_lint"]
    if given:
        return [given]
    beside = Path(sys.executable).parent / "sqs-kms-lint"
    found = str(beside) if beside.exists() else shutil.which("sqs-kms-lint")
    if not found:
        sys.exit("sqs-kms-lint not found: pass --lint PATH")
    return [found]


def lint_label(at: str | None, given: str | None) -> str:
    if at:
        return f"commit {git('rev-parse', '--short', at)} (`git archive` of it, run by {sys.executable})"
    if given:
        return f"`{given}`"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"commit {git('rev-parse', '--short', 'HEAD')}{' with uncommitted changes' if dirty else ''} (the work tree)"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--stacks", type=int, nargs="+", default=[100, 400], help="repository sizes (stacks)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per repository size (best of N)")
    parser.add_argument("--single-rounds", type=int, default=5, help="rounds for the one-file cases")
    parser.add_argument("--seed", type=int, default=2024, help="the generator's seed")
    parser.add_argument("--lint", help="the sqs-kms-lint executable (default: beside this interpreter)")
    parser.add_argument(
        "--at",
        metavar="REV",
        help="run sqs-kms-lint as of this commit (a `git archive` of it, pip-installed without dependencies "
        "into a scratch folder and put first on PYTHONPATH): figures that an edit in progress cannot move",
    )
    parser.add_argument("--checkov-venv", type=Path, default=DEFAULT_VENV, help=f"default: {DEFAULT_VENV}")
    parser.add_argument(
        "--checkov-spec", default="checkov", help="what pip installs there (default: checkov)"
    )
    parser.add_argument("--no-checkov", action="store_true", help="sqs-kms-lint alone")
    parser.add_argument("--no-single", action="store_true", help="skip the one-file cases")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is stopped")
    parser.add_argument(
        "--workdir", type=Path, help="generate here and keep it (default: a temporary folder)"
    )
    parser.add_argument(
        "--generate-only", type=Path, metavar="DIR", help="write the repository to DIR and stop"
    )
    args = parser.parse_args()

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.generate_only:
        counts = generate(args.generate_only, args.stacks[0], args.seed)
        log(f"{args.generate_only}: {counts['files']} files, {counts['lines']} lines")
        return 0

    if args.at:
        args.at = git("rev-parse", "--short", args.at)  # once: HEAD may move while this runs
        if not args.at:
            sys.exit("--at: not a commit of this repository")
    executable = None if args.no_checkov else checkov_venv(args.checkov_venv, args.checkov_spec, log)
    ids = checkov_ids(executable) if executable else []
    version = checkov_version(executable) if executable else "not run"

    with tempfile.TemporaryDirectory() as scratch:
        lint = lint_command(args.lint, args.at, Path(scratch), log)
        report = [
            "# sqs-kms-lint and checkov, side by side",
            "",
            *machine(version, lint_label(args.at, args.lint)),
        ]
        if executable:
            report += ["", f"checkov's SQS/KMS checks ({len(ids)}): `{','.join(ids)}`"]
        report.append("")
        base = args.workdir or Path(scratch)
        caches = b"--no-cache" in subprocess.run([*lint, "--help"], capture_output=True).stdout
        reports = Path(scratch) / "checkov-reports"
        reports.mkdir()
        for stacks in args.stacks:
            repo = base / f"repo-{stacks}"
            if repo.exists():
                shutil.rmtree(repo)
            counts = generate(repo, stacks, args.seed)
            log(f"{stacks} stacks: {counts['files']} files, {counts['lines']} lines")
            lint_default = [*lint, "--format", "sarif", "--fail-on", "never"]
            if caches:  # cold: no cache read nor written; warm: a cache one run has filled, nothing changed
                cache_dir = Path(scratch) / f"cache-{stacks}"
                warm = [*lint_default, "--cache-dir", str(cache_dir), "."]
                subprocess.run(warm, cwd=repo, capture_output=True, check=False)
                contenders = {
                    f"sqs-kms-lint --jobs {os.cpu_count()} (default), cold: --no-cache": Contender(
                        [*lint_default, "--no-cache", "."], sarif_results
                    ),
                    "sqs-kms-lint --jobs 1, cold: --no-cache": Contender(
                        [*lint_default, "--jobs", "1", "--no-cache", "."], sarif_results
                    ),
                    "sqs-kms-lint, warm cache (nothing changed)": Contender(warm, sarif_results),
                }
            else:  # (a commit from before the cache)
                contenders = {
                    f"sqs-kms-lint --jobs {os.cpu_count()} (default)": Contender(
                        [*lint_default, "."], sarif_results
                    ),
                    "sqs-kms-lint --jobs 1": Contender([*lint_default, "--jobs", "1", "."], sarif_results),
                }
            if executable:
                contenders["checkov (SQS/KMS checks)"] = Contender(
                    checkov_command(executable, ids, ["-d", "."], "cloudformation,terraform", reports),
                    lambda _: checkov_findings(reports),
                )
            samples = compare(contenders, repo, args.rounds, args.timeout, log)
            reference = samples[next(iter(contenders))]
            report += [
                f"## {stacks} stacks: {counts['files']} files, {counts['lines']:,} lines, best of {args.rounds}",
                "",
                HEAD,
            ]
            for name, sample in samples.items():
                report.append(row(name, counts["files"], sample, None if sample is reference else reference))
            report.append("")
            print("\n".join(report), flush=True)
            report = []

        if not args.no_single:
            single = base / "single"
            if single.exists():
                shutil.rmtree(single)
            generate(single / "gen", 1, args.seed)
            folder = single / "gen" / "stacks" / "stack0000"
            cases = {"one.yaml": "template.yaml", "one.json": "template.json", "one.tf": "main.tf"}
            for name, source in cases.items():
                shutil.copy(folder / source, single / name)
            report += [
                f"## One file, best of {args.single_rounds} (wall time including interpreter start)",
                "",
                HEAD,
            ]
            for name in cases:
                lines = (single / name).read_text().count("\n")
                contenders = {
                    f"sqs-kms-lint {name} ({lines} lines)": Contender(
                        [*lint, *(["--no-cache"] if caches else []), name],
                        lambda out: sum(1 for line in out.splitlines() if b" SQK" in line),
                    )
                }
                if executable:
                    framework = "terraform" if name.endswith(".tf") else "cloudformation"
                    contenders[f"checkov -f {name}"] = Contender(
                        checkov_command(executable, ids, ["-f", name], framework, reports),
                        lambda _: checkov_findings(reports),
                    )
                samples = compare(contenders, single, args.single_rounds, args.timeout, log)
                reference = samples[next(iter(contenders))]
                for label, sample in samples.items():
                    report.append(row(label, 1, sample, None if sample is reference else reference))
            report.append("")
            print("\n".join(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
