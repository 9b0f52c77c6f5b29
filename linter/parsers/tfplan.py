"""A Terraform plan (`terraform show -json PLAN`) into the model.

`planned_values` gives each resource's values, `configuration` says which attributes the author wrote
(the provider fills in defaults for the others, which show no intent) and what a value that is only
known after apply refers to (`aws_kms_key.main.arn`). Findings point at the plan file's own lines and
name the resource address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..model import THIS_ACCOUNT, THIS_REGION, Alias, Key, Queue, ResourceRef, Span, Unit, Value
from .located import key_span, span_of
from .policies import build_policy
from .scalars import dead_letter_target, to_bool, to_int
from .terraform import REFERENCE_ATTRIBUTES, RESOURCE_KINDS


def is_plan(document: Any) -> bool:
    return isinstance(document, dict) and "format_version" in document and "planned_values" in document


def _resources(module: Any, path: str = "") -> Iterator[tuple[dict, str]]:
    """Every resource of planned_values' module tree, with the module path it sits in."""
    if not isinstance(module, dict):
        return
    for resource in module.get("resources") or []:
        if isinstance(resource, dict):
            yield resource, path
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _resources(child, str(child.get("address", "")))


def _configuration(document: dict, module_path: str, resource_address: str) -> dict:
    """The configuration block of a resource: which attributes were written, and what they refer to."""
    module = (document.get("configuration") or {}).get("root_module") or {}
    calls = [part.split("[", 1)[0] for part in re.split(r"\.(?![^\[]*\])", module_path) if part][1::2]
    for call in calls:  # module.a["x"].module.b[0] -> a, b
        module = ((module.get("module_calls") or {}).get(call) or {}).get("module") or {}
    local_address = resource_address[len(module_path) + 1 :] if module_path else resource_address
    local_address = local_address.split("[", 1)[0]
    for resource in module.get("resources") or []:
        if isinstance(resource, dict) and resource.get("address") == local_address:
            return resource
    return {}


class PlanReader:
    def __init__(self, document: dict, file: str, unit: Unit) -> None:
        self.document = document
        self.file = file
        self.unit = unit
        self.root = (document.get("planned_values") or {}).get("root_module")
        self.key_policies: list[tuple[Value | None, Value | None]] = []
        self.addresses = {str(r.get("address", "")).split("[", 1)[0] for r, _ in _resources(self.root)}

    def read(self) -> None:
        for resource, module_path in _resources(self.root):
            kind = resource.get("type")
            if resource.get("mode", "managed") == "managed" and (
                kind in RESOURCE_KINDS or kind == "aws_kms_key_policy"
            ):
                self.resource(resource, module_path)
        for key_id, policy in self.key_policies:  # aws_kms_key_policy sets the policy of a key of the plan
            target = key_id.single if key_id is not None else None
            key = next(
                (k for k in self.unit.keys if isinstance(target, ResourceRef) and target.name == k.name), None
            )
            if key is not None and policy is not None:
                document = build_policy(policy.single, None, self.file, policy.span) if policy.known else None
                key.policy = Value.of(document, policy.span) if document else Value.unknown(policy.span)

    def resource(self, resource: dict, module_path: str) -> None:
        address = str(resource.get("address", "")).split("[", 1)[0]
        span = key_span(resource, "address", self.file, span_of(resource, self.file) or Span(self.file, 1))
        planned = resource.get("values")
        values: dict = planned if isinstance(planned, dict) else {}
        written = _configuration(self.document, module_path, address).get("expressions") or {}
        kind = RESOURCE_KINDS.get(str(resource["type"]), "")

        def value(name: str, convert: Any = None) -> Value | None:
            return self.value(values, written, module_path, name, span, convert)

        if kind == "queue":
            queue = Queue(
                address,
                span,
                queue_name=value("name"),
                account=self.unit.account or THIS_ACCOUNT,
                region=self.unit.region or THIS_REGION,
                fifo=value("fifo_queue", to_bool),
                content_based_deduplication=value("content_based_deduplication", to_bool),
                deduplication_scope=value("deduplication_scope"),
                fifo_throughput_limit=value("fifo_throughput_limit"),
                kms_key=value("kms_master_key_id"),
                sqs_managed_sse=value("sqs_managed_sse_enabled", to_bool),
                reuse_period=value("kms_data_key_reuse_period_seconds", to_int),
            )
            redrive = value("redrive_policy")
            if redrive is not None:
                queue.redrive_target = dead_letter_target(redrive.single, redrive.span)
            self.unit.queues.append(queue)
        elif kind == "key":
            key = Key(
                address,
                span,
                account=self.unit.account or THIS_ACCOUNT,
                region=self.unit.region or THIS_REGION,
                enabled=value("is_enabled", to_bool) or value("enabled", to_bool),
                key_spec=value("customer_master_key_spec") or value("key_spec"),
                key_usage=value("key_usage"),
            )
            policy = value("policy")
            if policy is not None:
                document = build_policy(policy.single, None, self.file, policy.span) if policy.known else None
                key.policy = Value.of(document, policy.span) if document else Value.unknown(policy.span)
            self.unit.keys.append(key)
        elif kind == "alias":
            self.unit.aliases.append(
                Alias(address, span, alias_name=value("name"), target=value("target_key_id"))
            )
        elif resource.get("type") == "aws_kms_key_policy":
            self.key_policies.append((value("key_id"), value("policy")))

    def value(
        self, values: dict, written: dict, module_path: str, name: str, span: Span, convert: Any
    ) -> Value | None:
        """An attribute the author wrote, as planned; a value known only after apply is followed through
        its configuration reference, else unknown. Attributes the provider filled in are left out."""
        if name not in written:
            return None
        where = key_span(values, name, self.file, span)
        if name in values:
            content = values[name]
            if content is None:
                return None
            return Value.of(convert(content) if convert else content, where)
        references = written[name].get("references") if isinstance(written[name], dict) else None
        found = {self.reference(str(r), module_path) for r in references or [] if isinstance(r, str)} - {None}
        named = {(r.kind, r.name) for r in found}
        if len(named) == 1:  # one resource: (an expression choosing between several stays unknown)
            return Value.of(next(iter(found)), where)
        return Value.unknown(where)

    def reference(self, reference: str, module_path: str) -> Any:
        """`aws_kms_key.main.arn` (in the module at `module_path`) as the model's ResourceRef."""
        parts = reference.split(".")
        if len(parts) < 3 or parts[0] not in RESOURCE_KINDS:
            return None
        kind = RESOURCE_KINDS[parts[0]]
        attribute = REFERENCE_ATTRIBUTES[kind].get(parts[2].split("[", 1)[0])
        if attribute is None:
            return None
        local = f"{parts[0]}.{parts[1].split('[', 1)[0]}"
        address = f"{module_path}.{local}" if module_path else local
        return ResourceRef(kind if address in self.addresses else None, address, attribute)


def parse_plan(document: dict, file: str, unit: Unit) -> None:
    PlanReader(document, file, unit).read()
