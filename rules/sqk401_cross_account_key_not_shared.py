"""Queue in one account uses a key in another account whose key policy does not share it.

## What it does
Compares the account of each SSE-KMS queue with the account of its key. The queue's account
comes from its ARN, a snapshot, or the option `account-id` (`${AWS::AccountId}` and
`aws_caller_identity` mean "this account"); the key's from its ARN. When they differ and the
key policy is in the unit (typically a snapshot carrying both), the rule checks that some
Allow gives the queue's account both `kms:GenerateDataKey` and `kms:Decrypt`: its root or
bare account ID, a principal ARN in that account, or `*`. An explicit Deny wins; an Allow
with conditions counts unless they name another account (`kms:CallerAccount`,
`aws:PrincipalAccount`, ...). A key with no explicit policy has AWS's default policy,
which trusts only the key's own account, so the rule fires. The finding lands on the key's
policy attribute (or the key resource), with the queue's `KmsMasterKeyId` as related
location. An unknown account on either side keeps the rule silent.

## Why is this bad?
SQS calls KMS with the credentials of the producers and consumers in the queue's account.
Cross-account use of a KMS key needs two permissions: the key policy in the key's account
must allow the external account (or its principals), and IAM policies in the external
account must pass that permission on to the users and roles. Neither is enough alone, and
the queue's account cannot fix the key policy. Every send fails with
`KMS.AccessDeniedException`.

## Example
```yaml
# key owned by account 222222222222, queue in 111111111111
KeyPolicy:
  Statement:
    - Effect: Allow
      Principal: {AWS: "arn:aws:iam::222222222222:root"}
      Action: "kms:*"
      Resource: "*"
```

## Use instead
```yaml
    - Effect: Allow
      Principal: {AWS: "arn:aws:iam::111111111111:root"}
      Action: ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource: "*"
```
Then grant the same actions on the key ARN in IAM policies of account 111111111111 (SQK403,
SQK404).

## Options
None. Change its severity with `rules: {SQK401: {severity: warning}}` or switch it off with
`rules: {SQK401: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK401 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK401]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
- https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
"""

from collections.abc import Iterator

from sqs_kms_lint.arns import same_account
from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.lookup import queue_key_lookups
from sqs_kms_lint.model import Unit
from sqs_kms_lint.policy import (
    DECRYPT,
    GENERATE_DATA_KEY,
    Request,
    account,
    grants,
    key_policy,
    named_principals,
)


@rule("SQK401", "cross-account-key-not-shared", "error")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        lookups = queue_key_lookups(unit, queue)
        if len(lookups) != 1 or lookups[0].key is None or lookups[0].aws_managed or queue.account is None:
            continue
        key = lookups[0].key
        if same_account(queue.account, key.account) is not False:
            continue
        document, where = key_policy(key)
        request = Request(caller_account=queue.account)
        # The account's root, or any principal of that account the policy names, may be the producer.
        candidates = [account(queue.account)]
        candidates += [p for p in named_principals(document) if p.account == queue.account]
        verdicts = [grants(document, who, (GENERATE_DATA_KEY, DECRYPT), request) for who in candidates]
        _, missing, _ = verdicts[0]
        if all(granted is False for granted, _, _ in verdicts):
            yield ctx.report(
                key,
                f"queue '{queue.name}' in account {queue.account} uses key '{key.name}' of account {key.account}, "
                f"whose policy does not let account {queue.account} {' and '.join(missing)}: SQS answers "
                f'KMS.AccessDeniedException; add an Allow for {{"AWS": "arn:aws:iam::{queue.account}:root"}} '
                "with kms:GenerateDataKey and kms:Decrypt",
                at=where,
                related=[(queue.kms_key or queue, f"queue '{queue.name}' uses the key here")],
            )
