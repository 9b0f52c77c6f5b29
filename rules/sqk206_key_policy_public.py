"""Key policy lets any AWS principal use the key (Principal "*") with no scoping condition.

## What it does
Looks at every KMS key policy in the unit, whether or not a queue uses the key, and reports
each Allow statement whose principal is `"*"` or `{"AWS": "*"}` (alone or in a list; the two
forms mean the same) and whose actions give use or control of the key: a cryptographic action (`kms:Decrypt`,
`kms:GenerateDataKey`, ...), `kms:CreateGrant` (so `kms:Create*`: anyone may grant themselves
Decrypt), `kms:PutKeyPolicy`, key deletion or disabling, `kms:*`, `*`. Read-only actions
alone (`kms:Describe*`, `kms:List*`, `kms:Get*`) are not reported. Unless a condition restricts the caller's account, source or organization:
`kms:CallerAccount`, `aws:SourceAccount`, `aws:SourceArn`, `aws:PrincipalOrgID`,
`aws:PrincipalAccount` or `aws:PrincipalArn`. A `kms:ViaService` condition alone does not
count: it says through which service the call comes, not whose call it is. The finding
lands on the statement.

## Why is this bad?
In a key policy, `*` is every principal of every AWS account. Principals in another account
still need their own IAM permission, but that is in their hands, not yours. Anyone can then
decrypt whatever ciphertext made under the key they get hold of, spend KMS requests against
your account's quota, and, if administrative actions are included, change the policy or
schedule the key for deletion. The AWS managed key for SQS shows the safe pattern: `*`
only together with `kms:CallerAccount` (your account) and `kms:ViaService` (SQS in your
Region).

## Example
```yaml
        - Effect: Allow
          Principal: "*"
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Principal: "*"
          Action: ["kms:GenerateDataKey", "kms:Decrypt"]
          Resource: "*"
          Condition:
            StringEquals:
              "kms:CallerAccount": !Ref AWS::AccountId
              "kms:ViaService": !Sub "sqs.${AWS::Region}.amazonaws.com"
```

## Options
None. Change its severity with `rules: {SQK206: {severity: warning}}` or switch it off with
`rules: {SQK206: off}` in `.sqs-kms-lint.yaml`. Suppress one finding with
`# sqs-kms-lint: ignore SQK206 -- reason` on its line or the line above, or with the resource
Metadata `sqs-kms-lint: {ignore: [SQK206]}` in CloudFormation.

## References
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
- https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
- https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import PolicyDocument, Statement, Unit
from sqs_kms_lint.policy import (
    ACCOUNT_SCOPING_KEYS,
    conditions_known,
    positive_condition_keys,
    statement_action,
)


def _anyone(principal: object) -> bool:
    if principal == "*":
        return True
    values = principal.get("AWS", []) if isinstance(principal, dict) else []
    return "*" in (values if isinstance(values, list) else [values])


# Actions that give use or control of a key: cryptographic ones, and those that let the caller grant
# itself use (kms:CreateGrant, so kms:Create*) or change the key (kms:PutKeyPolicy, deletion, ...).
# Read-only actions (kms:Describe*, kms:List*, kms:Get*) alone are not public use.
_USE_OR_CONTROL = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:Sign",
    "kms:GenerateMac",
    "kms:DeriveSharedSecret",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:ImportKeyMaterial",
    "kms:DeleteImportedKeyMaterial",
    "kms:UpdatePrimaryRegion",
    "kms:ReplicateKey",
)


def _use_or_control(statement: Statement) -> str | None:
    """The first action of use or control the statement allows (Action, or NotAction that leaves it)."""
    return next((a for a in _USE_OR_CONTROL if statement_action(statement, a) is not False), None)


@rule("SQK206", "key-policy-public", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for key in unit.keys:
        document = key.policy.single if key.policy is not None else None
        if not isinstance(document, PolicyDocument) or key.aws_managed:
            continue
        for statement in document.statements:
            # NotPrincipal in an Allow grants everyone but those it names.
            if statement.effect != "Allow" or not (
                _anyone(statement.principal) or statement.not_principal is not None
            ):
                continue
            action = _use_or_control(statement)
            if action is None:
                continue
            if not conditions_known(statement) or positive_condition_keys(statement) & ACCOUNT_SCOPING_KEYS:
                continue
            yield ctx.report(
                key,
                f"key '{key.name}' statement {statement.sid or '(no Sid)'} lets any principal of any account use or "
                f'control it (Principal "*" with {action} and no condition on the caller\'s account, source or '
                "organization)",
                at=statement.span,
            )
