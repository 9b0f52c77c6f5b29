"""The CloudFormation resolver: what each intrinsic resolves to, and when it must give up."""

from __future__ import annotations

import pytest
from sqs_kms_lint.discover import SourceFile, build_units
from sqs_kms_lint.model import ABSENT, THIS_ACCOUNT, THIS_REGION, ResourceRef
from sqs_kms_lint.parsers.cloudformation import Resolver, is_template
from sqs_kms_lint.parsers.located import decode_json, decode_yaml

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  WithDefault: {Type: String, Default: alias/orders}
  NoDefault: {Type: String}
  FromSsm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /keys/orders}
  Period: {Type: Number, Default: 60}
Mappings:
  Keys:
    us-east-1: {Arn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
Conditions:
  Prod: !Equals [!Ref NoDefault, prod]
Resources:
  Key:
    Type: AWS::KMS::Key
  Alias:
    Type: AWS::KMS::Alias
    Properties: {AliasName: alias/app, TargetKeyId: !Ref Key}
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs.fifo, FifoQueue: "true"}
"""


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(decode_yaml(TEMPLATE), None, None)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"Ref": "WithDefault"}, ["alias/orders"]),
        ({"Ref": "NoDefault"}, None),
        ({"Ref": "FromSsm"}, None),
        ({"Ref": "Period"}, [60]),
        ({"Ref": "Key"}, [ResourceRef("key", "Key", "id")]),
        ({"Ref": "Alias"}, ["alias/app"]),
        ({"Ref": "Missing"}, [ResourceRef(None, "Missing", "id")]),
        ({"Ref": "AWS::AccountId"}, [THIS_ACCOUNT]),
        ({"Ref": "AWS::Region"}, [THIS_REGION]),
        ({"Ref": "AWS::NoValue"}, [ABSENT]),
        ({"Ref": "AWS::StackName"}, None),
        ({"Fn::GetAtt": "Key.Arn"}, [ResourceRef("key", "Key", "arn")]),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, [ResourceRef("queue", "Queue", "arn")]),
        ({"Fn::GetAtt": "Queue.QueueName"}, ["jobs.fifo"]),
        ({"Fn::GetAtt": "Nope.Arn"}, [ResourceRef(None, "Nope", "arn")]),
        ({"Fn::Sub": "${Key.Arn}"}, [ResourceRef("key", "Key", "arn")]),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:kms:us-east-1:111122223333:${Alias}"},
            ["arn:aws:kms:us-east-1:111122223333:alias/app"],
        ),
        ({"Fn::Sub": ["${A}/${!Literal}", {"A": "x"}]}, ["x/${Literal}"]),
        ({"Fn::Sub": "arn:aws:kms:us-east-1:${AWS::AccountId}:key/${Key}"}, None),
        ({"Fn::Sub": "${NoDefault}-queue"}, None),
        ({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":kms"]]}, ["arn:aws:kms"]),
        ({"Fn::Join": ["-", [{"Ref": "NoDefault"}, "x"]]}, None),
        ({"Fn::If": ["Prod", 60, 120]}, [60, 120]),
        ({"Fn::If": ["Prod", 60, {"Ref": "NoDefault"}]}, None),
        (
            {"Fn::If": ["Prod", {"Fn::GetAtt": "Key.Arn"}, {"Ref": "AWS::NoValue"}]},
            [ResourceRef("key", "Key", "arn"), ABSENT],
        ),
        ({"Fn::Join": ["", ["q-", {"Fn::If": ["Prod", "a", "b"]}]]}, ["q-a", "q-b"]),
        ({"Fn::Select": [1, ["a", "b"]]}, ["b"]),
        (
            {"Fn::FindInMap": ["Keys", "us-east-1", "Arn"]},
            ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        ),
        ({"Fn::FindInMap": ["Keys", {"Ref": "AWS::Region"}, "Arn"]}, None),
        ({"Fn::ImportValue": "shared-key-arn"}, None),
        ({"Fn::GetAZs": ""}, None),
    ],
)
def test_resolution(resolver: Resolver, node, expected) -> None:
    assert resolver.options(node) == expected


def test_account_option_replaces_the_pseudo_parameter() -> None:
    resolver = Resolver(decode_yaml(TEMPLATE), "111122223333", "eu-west-1")
    assert resolver.options({"Fn::Sub": "${AWS::AccountId}:${AWS::Region}"}) == ["111122223333:eu-west-1"]


def test_content_decides_what_is_a_template() -> None:
    assert is_template(decode_yaml("AWSTemplateFormatVersion: '2010-09-09'\n"))
    assert is_template(decode_json('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}'))  # CDK output
    assert not is_template(decode_yaml("Resources: {Q: {Type: Custom}}\n"))
    assert not is_template(decode_yaml("- a\n- b\n"))


def test_strings_are_typed_and_spans_point_at_the_key(tmp_path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      FifoQueue: 'true'\n      KmsDataKeyReusePeriodSeconds: '120'\n"
        '      RedrivePolicy: \'{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:111122223333:dlq"}\'\n'
    )
    (unit,) = build_units([(SourceFile(path, "t.yaml"), False)])
    (queue,) = unit.queues
    assert queue.span.line == 4
    assert queue.fifo.options == (True,) and queue.fifo.span.line == 6
    assert queue.reuse_period.options == (120,) and queue.reuse_period.span.line == 7
    assert queue.redrive_target.single == "arn:aws:sqs:us-east-1:111122223333:dlq"
    assert queue.redrive_target.span.line == 8


def test_senders_and_policies_reach_the_model(tmp_path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        """\
AWSTemplateFormatVersion: "2010-09-09"
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
  Queue:
    Type: AWS::SQS::Queue
  Sub:
    Type: AWS::SNS::Subscription
    Properties: {Protocol: sqs, TopicArn: !Ref Topic, Endpoint: !GetAtt Queue.Arn}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Targets: [{Id: q, Arn: !GetAtt Queue.Arn}, {Id: l, Arn: "arn:aws:lambda:us-east-1:111122223333:function:f"}]
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations: [{Event: "s3:ObjectCreated:*", Queue: !GetAtt Queue.Arn}]
"""
    )
    (unit,) = build_units([(SourceFile(path, "t.yaml"), False)])
    (key,) = unit.keys
    (statement,) = key.policy.single.statements
    assert statement.span.line == 9
    assert statement.principal == {"AWS": f"arn:aws:iam::{THIS_ACCOUNT}:root"}
    assert [(s.service, s.queue.single) for s in unit.senders] == [
        ("sns.amazonaws.com", ResourceRef("queue", "Queue", "arn")),
        ("events.amazonaws.com", ResourceRef("queue", "Queue", "arn")),
        ("s3.amazonaws.com", ResourceRef("queue", "Queue", "arn")),
    ]
