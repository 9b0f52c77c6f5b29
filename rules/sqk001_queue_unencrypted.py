"""Queue whose server-side encryption is switched off explicitly, with no KMS key set.

## What it does
In CloudFormation and Terraform, reports a queue that sets `SqsManagedSseEnabled: false`
(`sqs_managed_sse_enabled = false`) and no `KmsMasterKeyId` (`kms_master_key_id`). The finding
points at `SqsManagedSseEnabled`. A queue that sets neither property is not reported: since
late 2022 AWS encrypts new queues with SSE-SQS by default, and the CloudFormation reference
says that when `SqsManagedSseEnabled` is not defined, SSE-SQS is enabled.

For raw JSON of a live queue (`aws sqs get-queue-attributes` output or a snapshot), reports a
queue whose `Attributes` hold neither a `KmsMasterKeyId` nor `SqsManagedSseEnabled: "true"`.
The default applies only to queues created after it was introduced (and only over HTTPS with
Signature Version 4), so an existing queue can really be unencrypted.

## Why is this bad?
Message bodies are stored without server-side encryption. TLS still protects them in transit,
but not at rest. SSE-SQS needs no key, no key policy and no extra permission, and AWS does not
charge for its keys, so switching it off buys nothing. An explicit `false` is usually a leftover
from a template that predates the default, or a toggle that was meant to select SSE-KMS.

## Example
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
```

## Use instead
```yaml
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true   # or leave it out; or set KmsMasterKeyId to a KMS key ARN
```

## Options
None. Change its severity with `rules: {SQK001: {severity: warning}}` or switch it off with
`rules: {SQK001: off}` in `.sqs-kms-lint.yaml`; suppress one finding with
`# sqs-kms-lint: ignore SQK001 -- reason` on its line or the line above.

## References
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-sqs-sse-queue.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html
- https://aws.amazon.com/blogs/compute/announcing-server-side-encryption-with-amazon-simple-queue-service-managed-encryption-keys-sse-sqs-by-default/
- https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue
"""

from collections.abc import Iterator

from sqs_kms_lint.engine import Context, Finding, rule
from sqs_kms_lint.model import Unit, is_set


@rule("SQK001", "queue-unencrypted", "error", precision="very-high")
def check(unit: Unit, ctx: Context) -> Iterator[Finding]:
    for queue in unit.queues:
        sse = queue.sqs_managed_sse
        sse_off = sse is not None and sse.every(lambda o: o is False)
        if queue.live:  # an existing queue: no encryption attribute means none
            if not (sse is not None and sse.some(lambda o: o is True)) and not is_set(queue.kms_key):
                yield ctx.report(
                    queue,
                    f"queue '{queue.name}' has neither a KMS key nor SSE-SQS: messages are stored unencrypted",
                    at=sse if sse_off else None,
                )
        elif sse_off and queue.kms_key is None:
            yield ctx.report(
                queue,
                f"queue '{queue.name}' sets {queue.setting('sqs_managed_sse', False)} and no "
                f"{queue.word('kms_key')}: messages are stored unencrypted; remove {queue.word('sqs_managed_sse')} "
                "(SSE-SQS is the default) or set a KMS key",
                at=sse,
            )
