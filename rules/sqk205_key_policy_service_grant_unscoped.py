"""Key policy grants an AWS service principal without aws:SourceArn / aws:SourceAccount.

## What it does
Reads the key policy of each customer managed key that at least one queue in the unit uses
and reports every Allow statement whose principal includes the service principal
`sns.amazonaws.com`, `events.amazonaws.com`, `s3.amazonaws.com` or `sqs.amazonaws.com` and
whose Condition has no `aws:SourceArn` or `aws:SourceAccount` key (any operator:
`ArnEquals`, `ArnLike`, `StringEquals`, ...). For `sqs.amazonaws.com`, a `kms:ViaService`
or `kms:CallerAccount` condition also counts as scoping. Other service principals are not
checked. The finding lands on the statement. A key with no explicit policy has AWS's default
policy, which grants no service, so there is nothing to report.

## Why is this bad?
A service principal acts for every AWS customer, not only for you. An unconditioned grant
says "SNS may use this key", whichever topic, rule or bucket asks: the service can be led
to use your key on behalf of resources that are not yours. This is the cross-service
confused deputy problem. AWS recommends the global condition keys `aws:SourceArn` (the
exact topic, rule or bucket) and `aws:SourceAccount` (your account) in resource policies
that grant service principals, and the KMS guide recommends them for key policies in
particular. Prefer `aws:SourceArn` when you know the sender; if you use both, the account in
the ARN and `aws:SourceAccount` must match.

## Example
```yaml
        - Effect: Allow
          Principal: {Service: sns.amazonaws.com}
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Principal: {Service: sns.amazonaws.com}
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: "*"
          Condition:
            ArnEquals: {"aws:SourceArn": !Ref OrdersTopic}
```

## Options
None. Change its severity with `rules: {SQK205: {severity: error}}` or switch it off with
`rules: {SQK205: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK205 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK205]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
- https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-least-privilege-policy.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import keys_in_use
from sqs_kms_lint.model import PolicyDocument, Unit
from sqs_kms_lint.policy import (
    CALLER_ACCOUNT,
    SOURCE_ACCOUNT,
    SOURCE_ARN,
    VIA_SERVICE,
    conditions_known,
    positive_condition_keys,
)

SENDING_SERVICES = ("sns.amazonaws.com", "events.amazonaws.com", "s3.amazonaws.com", "sqs.amazonaws.com")


def _services(principal: object) -> list[str]:
    values = principal.get("Service", []) if isinstance(principal, dict) else []
    return [v.lower() for v in (values if isinstance(values, list) else [values]) if isinstance(v, str)]


@rule("SQK205", "key-policy-service-grant-unscoped", "warning")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for key, _ in keys_in_use(unit):
        document = key.policy.single if key.policy is not None else None
        if not isinstance(document, PolicyDocument):
            continue  # the default policy grants no service
        for statement in document.statements:
            if statement.effect != "Allow" or not conditions_known(statement):
                continue  # a condition we cannot read may be the scoping one
            scoping = positive_condition_keys(statement)
            for name in _services(statement.principal):
                if name not in SENDING_SERVICES:
                    continue
                wanted = {SOURCE_ARN, SOURCE_ACCOUNT} | (
                    {VIA_SERVICE, CALLER_ACCOUNT} if name == "sqs.amazonaws.com" else set()
                )
                if not scoping & wanted:
                    keys = "aws:SourceArn or aws:SourceAccount" + (
                        " (or kms:ViaService / kms:CallerAccount)" if name == "sqs.amazonaws.com" else ""
                    )
                    yield ctx.report(
                        key,
                        f"key '{key.name}' statement {statement.sid or '(no Sid)'} grants {name} without an {keys} condition: "
                        "resources of any account could have the service use this key for them (confused deputy)",
                        at=statement.span,
                    )
