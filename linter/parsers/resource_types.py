"""What each resource type means to the model, in one place, for every input format.

A `Field` is one row: the model field it fills, its CloudFormation / AWS API names, its Terraform
(AWS provider) names, and how its content is converted. Formats only supply a getter (`build.Attributes`)
that reads a name in their own syntax; `build.py` turns the rows into model objects. A new attribute is
one row here; a new resource type is one table here and one builder in `build.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .scalars import sent_bool, sent_string, to_bool, to_int

Naming = Literal["aws", "terraform"]
Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    model: str  # the model object's attribute it fills
    aws: tuple[str, ...]  # CloudFormation property, AWS API attribute (the first one written is read)
    terraform: tuple[str, ...]  # the AWS provider's argument
    convert: Converter | None = None  # as CloudFormation and the AWS API take it ("true" -> True)
    sent: Converter | None = None  # as the AWS provider sends it, when that differs (false: not sent)

    def names(self, naming: Naming) -> tuple[str, ...]:
        return self.aws if naming == "aws" else self.terraform

    def converter(self, naming: Naming) -> Converter | None:
        return (self.sent or self.convert) if naming == "terraform" else self.convert


def _row(model: str, aws: str | tuple[str, ...], terraform: str | tuple[str, ...], *rest: Any) -> Field:
    return Field(
        model,
        (aws,) if isinstance(aws, str) else aws,
        (terraform,) if isinstance(terraform, str) else terraform,
        *rest,
    )


# aws_sqs_queue / AWS::SQS::Queue / get-queue-attributes
QUEUE = (
    _row("queue_name", "QueueName", "name"),
    _row("fifo", "FifoQueue", "fifo_queue", to_bool),
    _row("content_based_deduplication", "ContentBasedDeduplication", "content_based_deduplication", to_bool, sent_bool),
    _row("deduplication_scope", "DeduplicationScope", "deduplication_scope", None, sent_string),
    _row("fifo_throughput_limit", "FifoThroughputLimit", "fifo_throughput_limit", None, sent_string),
    _row("kms_key", "KmsMasterKeyId", "kms_master_key_id"),
    _row("sqs_managed_sse", "SqsManagedSseEnabled", "sqs_managed_sse_enabled", to_bool),
    _row("reuse_period", "KmsDataKeyReusePeriodSeconds", "kms_data_key_reuse_period_seconds", to_int),
)  # fmt: skip
# A JSON document (object or text) whose deadLetterTargetArn is the queue's dead-letter queue; SNS
# subscriptions take the same document.
REDRIVE_POLICY = _row("redrive_target", "RedrivePolicy", "redrive_policy")

# aws_kms_key, aws_kms_replica_key / AWS::KMS::Key, AWS::KMS::ReplicaKey / describe-key's KeyMetadata
KEY = (
    _row("enabled", "Enabled", ("is_enabled", "enabled"), to_bool),
    _row("key_state", "KeyState", ()),
    _row("key_spec", ("KeySpec", "CustomerMasterKeySpec"), ("customer_master_key_spec", "key_spec")),
    _row("key_usage", "KeyUsage", "key_usage"),
)
# CloudFormation's KeyPolicy; `Policy` beside KeyMetadata in describe-key / get-key-policy output.
KEY_POLICY = _row("policy", ("KeyPolicy", "Policy"), "policy")

# aws_kms_alias / AWS::KMS::Alias
ALIAS = (
    _row("alias_name", "AliasName", "name"),
    _row("target", "TargetKeyId", "target_key_id"),
)

# Senders: an SNS subscription (aws_sns_topic_subscription / AWS::SNS::Subscription, or inline on a
# CloudFormation topic), an EventBridge target, an S3 notification.
SUBSCRIPTION_PROTOCOL = _row("protocol", "Protocol", "protocol")
SUBSCRIPTION_ENDPOINT = _row("queue", "Endpoint", "endpoint")
SUBSCRIPTION_TOPIC = _row("source_arn", "TopicArn", "topic_arn")
TARGET_ARN = _row("queue", "Arn", "arn")
DEAD_LETTER_CONFIG = _row("dead_letter", "DeadLetterConfig", "dead_letter_config")  # a nested object / block
DEAD_LETTER_ARN = _row("queue", "Arn", "arn")
S3_QUEUE = _row("queue", ("Queue", "QueueArn"), "queue_arn")  # QueueArn: the S3 API's shape (CDK)

# Consumers: aws_lambda_event_source_mapping / AWS::Lambda::EventSourceMapping
EVENT_SOURCE = _row("queue", "EventSourceArn", "event_source_arn")
EVENT_FUNCTION = _row("function", "FunctionName", "function_name")

# Identity policies: the policy document of an IAM policy, an inline role policy, a snapshot entry.
POLICY_DOCUMENT = _row("document", ("PolicyDocument", "document"), "policy")

# What a reference to a resource of each type names: the model's kind for it.
CLOUDFORMATION_KINDS = {
    "AWS::KMS::Key": "key",
    "AWS::KMS::ReplicaKey": "key",
    "AWS::KMS::Alias": "alias",
    "AWS::SQS::Queue": "queue",
    "AWS::IAM::Role": "role",
    "AWS::IAM::User": "user",
    "AWS::IAM::Group": "group",
}
# Fn::GetAtt attributes of those resources, and what each is.
CLOUDFORMATION_ATTRIBUTES = {"Arn": "arn", "KeyId": "id", "QueueName": "name", "QueueUrl": "url"}

TERRAFORM_KINDS = {
    "aws_kms_key": "key",
    "aws_kms_replica_key": "key",
    "aws_kms_alias": "alias",
    "aws_sqs_queue": "queue",
    "aws_iam_role": "role",
    "aws_iam_user": "user",
    "aws_iam_group": "group",
    "aws_iam_policy": "policy",
}
_IDENTITY_ATTRIBUTES = {"arn": "arn", "name": "name", "id": "name"}
# The attributes of those resources a reference may read, and what each is.
TERRAFORM_ATTRIBUTES = {
    "key": {"arn": "arn", "key_id": "id", "id": "id"},
    "alias": {"arn": "arn", "name": "name", "id": "name"},
    "queue": {"arn": "arn", "id": "url", "url": "url", "name": "name"},
    "role": _IDENTITY_ATTRIBUTES,
    "user": _IDENTITY_ATTRIBUTES,
    "group": _IDENTITY_ATTRIBUTES,
    "policy": {"arn": "arn", "id": "arn"},
}

# Every Terraform resource type some part of the model reads (its builder is in terraform.py's tables);
# the HCL prefilter blanks the others before parsing.
TERRAFORM_READ_TYPES = frozenset(
    {
        *TERRAFORM_KINDS,
        "aws_iam_role_policy",
        "aws_iam_user_policy",
        "aws_iam_group_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_kms_key_policy",
        "aws_sqs_queue_redrive_policy",
        "aws_sns_topic_subscription",
        "aws_cloudwatch_event_target",
        "aws_cloudwatch_event_bus",
        "aws_s3_bucket_notification",
        "aws_lambda_event_source_mapping",
    }
)
