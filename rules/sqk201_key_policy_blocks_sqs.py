"""Key policy lets no producer or consumer use the queue's key: every send fails.

## What it does
Reads the key policy of each customer managed key that at least one queue in the unit uses
and asks whether anyone can use the key through SQS at all: some Allow must give both
`kms:GenerateDataKey` and `kms:Decrypt` to one of `sqs.amazonaws.com`, the key's own account
(`arn:aws:iam::ID:root` or the bare account ID, which hands the decision to IAM policies), a
named producer or consumer (role or user ARN), or `*` under a `kms:ViaService` /
`kms:CallerAccount` condition. Evaluation follows IAM: an explicit Deny wins, but a Deny
whose condition cannot be decided offline (`aws:SecureTransport`, `aws:PrincipalOrgID`, ...)
is not counted; an Allow with conditions counts unless they name a different source ARN or
account. `kms:GenerateDataKey*`, `kms:*` and `*` satisfy GenerateDataKey; actions are
case-insensitive. A key with no explicit policy gets AWS's default policy, which gives the
account root `kms:*`: this rule stays silent on it. The finding lands on `KeyPolicy` /
`policy`. An unresolved policy is not guessed at.

## Why is this bad?
SQS calls KMS with the credentials of whoever sends or receives. The key policy is the
primary control for a KMS key: if it neither names those principals nor enables IAM
policies for the account, no IAM policy can help. Every `SendMessage` fails with
`KMS.AccessDeniedException`, consumers cannot decrypt, and the queue is unusable. The usual
cause is a policy written for key administrators only, with the account statement removed.

## Example
```yaml
QueueKey:
  Type: AWS::KMS::Key
  Properties:
    KeyPolicy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:role/KeyAdmin"}
          Action: ["kms:Create*", "kms:Describe*", "kms:Put*", "kms:Enable*", "kms:Disable*"]
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
          Action: "kms:*"
          Resource: "*"
```
or an Allow of `kms:GenerateDataKey` and `kms:Decrypt` to the producer and consumer roles.

## Options
None. Change its severity with `rules: {SQK201: {severity: warning}}` or switch it off with
`rules: {SQK201: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK201 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK201]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import keys_in_use
from sqs_kms_lint.model import THIS_ACCOUNT, PolicyDocument, Statement, Unit
from sqs_kms_lint.policy import (
    DECRYPT,
    GENERATE_DATA_KEY,
    Request,
    account,
    grants,
    key_policy,
    named_principals,
    service,
)


def _refused(document: PolicyDocument, caller: str) -> tuple[bool, Statement | None]:
    """Whether no principal can use the key for SQS on behalf of account `caller`, and a denying statement."""
    candidates = [service("sqs.amazonaws.com"), account(caller), *named_principals(document)]
    request = Request(caller_account=caller, source_account=caller)
    verdicts = [grants(document, who, (GENERATE_DATA_KEY, DECRYPT), request) for who in candidates]
    deny = next((d for _, _, d in verdicts if d is not None), None)
    return all(granted is False for granted, _, _ in verdicts), deny


@rule("SQK201", "key-policy-blocks-sqs", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for key, queues in keys_in_use(unit):
        document, where = key_policy(key)
        if document is None:
            continue
        # Asked for each queue's own account: a key of another account may be shared with it.
        # (One answer per account: the queues of one account ask the same question.)
        answers: dict[str, tuple[bool, Statement | None]] = {}
        verdicts = []
        for queue in queues:
            caller = queue.account or key.account or THIS_ACCOUNT
            if caller not in answers:
                answers[caller] = _refused(document, caller)
            verdicts.append(answers[caller])
        if verdicts and all(refused for refused, _ in verdicts):
            deny = next((d for _, d in verdicts if d is not None), None)
            because = f" (statement {deny.sid or 'without Sid'} denies it)" if deny is not None else ""
            related = [(q.kms_key or q, f"queue '{q.name}' uses this key") for q in queues[:3]]
            if deny is not None:
                related.append((deny.span, "this statement denies"))
            yield ctx.report(
                key,
                f"key '{key.name}' lets no principal use it for SQS: neither sqs.amazonaws.com, the queues' "
                f"account (IAM delegation) nor a named producer or consumer gets kms:GenerateDataKey and "
                f"kms:Decrypt{because}; every SendMessage to {', '.join(repr(q.name) for q in queues[:3])} "
                "fails with KMS.AccessDeniedException",
                at=where,
                related=related,
            )
