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

from ..model import UNKNOWN, ResourceRef, Span, Unit, Value
from .build import Attributes
from .located import key_span, span_of
from .resource_types import TERRAFORM_ATTRIBUTES, TERRAFORM_KINDS, TERRAFORM_READ_TYPES, Converter, Naming


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
    calls = [part.split("[", 1)[0] for part in _address_parts(module_path) if part][1::2]
    for call in calls:  # module.a["x"].module.b[0] -> a, b
        module = ((module.get("module_calls") or {}).get(call) or {}).get("module") or {}
    local_address = resource_address[len(module_path) + 1 :] if module_path else resource_address
    local_address = _without_index(local_address)
    for resource in module.get("resources") or []:
        if isinstance(resource, dict) and resource.get("address") == local_address:
            return resource
    return {}


# References whose values a plan always knows in the root module.
_PLAN_TIME = ("var.", "count.", "each.")


class PlannedResource:
    """A resource of the plan (or a nested block of it) as `terraform.TerraformResource`: an attribute
    the author wrote, as planned; a value known only after apply is followed through its configuration
    reference, else unknown. Attributes the provider filled in are left out."""

    naming: Naming = "terraform"

    def __init__(self, reader: PlanReader, values: Any, written: Any, module_path: str, span: Span) -> None:
        self.reader = reader
        self.values: dict = values if isinstance(values, dict) else {}
        self.written: dict = written if isinstance(written, dict) else {}
        self.module_path = module_path
        self.span = span

    def value(self, name: str, convert: Converter | None = None) -> Value | None:
        if name not in self.written:
            return None
        where = key_span(self.values, name, self.reader.file, self.span)
        expression = self.written[name]
        if isinstance(expression, dict) and "constant_value" in expression:
            content = expression["constant_value"]  # what the author wrote (the provider may plan another)
        elif name in self.values:
            content = self.values[name]
        else:
            content = UNKNOWN
        if content is None:
            return None
        if content is not UNKNOWN:
            return Value.of(convert(content) if convert else content, where)
        references = expression.get("references") if isinstance(expression, dict) else None
        if self.module_path == "" and references and all(str(r).startswith(_PLAN_TIME) for r in references):
            return None  # a root module's variables are known when planning: unknown here means null
        found = {
            ref
            for r in references or []
            if isinstance(r, str) and (ref := self.reader.reference(r, self.module_path)) is not None
        }
        # one resource (an expression choosing between several stays unknown)
        if len({(r.kind, r.name) for r in found}) == 1:
            return Value.of(next(iter(found)), where)
        return Value.unknown(where)

    def document(self, name: str) -> tuple[Value | None, Any]:
        return self.value(name), None

    def children(self, name: str) -> list[Attributes]:
        if name not in self.written:
            return []
        planned = self.values.get(name)
        written = self.written.get(name)
        items = planned if isinstance(planned, list) else []
        expressions = written if isinstance(written, list) else []
        return [
            PlannedResource(
                self.reader,
                item,
                expressions[index] if index < len(expressions) else {},
                self.module_path,
                span_of(item, self.reader.file) or self.span,
            )
            for index, item in enumerate(items)
        ]

    def has_attribute(self, name: str) -> bool:
        return False  # (a plan is one configuration, every input decided: what it leaves out is not there)

    def set_by_caller(self, name: str) -> bool:
        return True

    def generated(self, block_type: str) -> bool:
        """Planned nested blocks the configuration does not write out (a `dynamic` block made them)."""
        planned = self.values.get(block_type)
        return bool(planned) and block_type not in self.written


class PlanReader:
    def __init__(self, document: dict, file: str, unit: Unit) -> None:
        self.document = document
        self.file = file
        self.unit = unit
        self.root = (document.get("planned_values") or {}).get("root_module")
        self.addresses = {_without_index(str(r.get("address", ""))) for r, _ in _resources(self.root)}

    def read(self) -> None:
        from .terraform import TerraformModel  # (here: the HCL parser costs a CloudFormation run 0.1 s)

        model = TerraformModel(self.unit)
        planned = []
        default_provider: set[str] = set()  # root module resources of the default `aws` provider
        for resource, module_path in _resources(self.root):
            if resource.get("mode", "managed") == "managed" and resource.get("type") in TERRAFORM_READ_TYPES:
                address = _without_index(str(resource.get("address", "")))
                span = key_span(
                    resource, "address", self.file, span_of(resource, self.file) or Span(self.file, 1)
                )
                configuration = _configuration(self.document, module_path, address)
                if configuration.get("provider_config_key", "aws") == "aws" and not module_path:
                    default_provider.add(address)
                written = configuration.get("expressions")
                attributes = PlannedResource(self, resource.get("values"), written, module_path, span)
                planned.append((str(resource["type"]), address, attributes))
        for resource_type, address, attributes in planned:
            model.add(resource_type, address, attributes)
        for resource_type, address, attributes in planned:  # once every resource exists
            model.attach(resource_type, address, attributes)
        account, region = self.caller_account(), self.provider_region()
        if account and region:  # a queue's ARN follows from its name, known in the plan
            partition = (
                "aws-cn"
                if region.startswith("cn-")
                else "aws-us-gov"
                if region.startswith("us-gov-")
                else "aws"
            )
            for queue in self.unit.queues:
                name = queue.queue_name.single if queue.queue_name is not None else None
                if queue.name in default_provider and isinstance(name, str) and name:
                    queue.arn = f"arn:{partition}:sqs:{region}:{account}:{name}"

    def caller_account(self) -> str | None:
        """The account the plan deploys to, as the root module's `data "aws_caller_identity"` read it."""
        prior = ((self.document.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
        for resource in prior.get("resources") or []:
            if isinstance(resource, dict) and resource.get("type") == "aws_caller_identity":
                account = (resource.get("values") or {}).get("account_id")
                if isinstance(account, str) and account.isdigit() and len(account) == 12:
                    return account
        return None

    def provider_region(self) -> str | None:
        """The region the root module's default `aws` provider is configured with, when written."""
        providers = (self.document.get("configuration") or {}).get("provider_config") or {}
        aws = providers.get("aws") if isinstance(providers, dict) else None
        region = (((aws or {}).get("expressions") or {}).get("region") or {}).get("constant_value")
        return region if isinstance(region, str) and region else None

    def reference(self, reference: str, module_path: str) -> ResourceRef | None:
        """`aws_kms_key.main.arn` (in the module at `module_path`) as the model's ResourceRef."""
        parts = reference.split(".")
        if len(parts) < 3 or parts[0] not in TERRAFORM_KINDS:
            return None
        kind = TERRAFORM_KINDS[parts[0]]
        attribute = TERRAFORM_ATTRIBUTES[kind].get(parts[2].split("[", 1)[0])
        if attribute is None:
            return None
        local = f"{parts[0]}.{parts[1].split('[', 1)[0]}"
        address = f"{module_path}.{local}" if module_path else local
        return ResourceRef(kind if address in self.addresses else None, address, attribute)


def _address_parts(address: str) -> list[str]:
    """`module.a["x.y"].module.b[0]` -> ["module", 'a["x.y"]', "module", "b[0]"]: dots inside an index
    do not split (one pass, linear in the address)."""
    parts, start, depth, quoted = [], 0, 0, False
    for position, char in enumerate(address):
        if quoted:
            quoted = char != '"' or address[position - 1] == "\\"
        elif char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "." and depth == 0:
            parts.append(address[start:position])
            start = position + 1
    parts.append(address[start:])
    return parts


def _without_index(address: str) -> str:
    """`module.m["a"].aws_sqs_queue.q[0]` -> `module.m["a"].aws_sqs_queue.q`: instances of one block."""
    return re.sub(r"\[[^\[\]]*\]$", "", address)


def parse_plan(document: dict, file: str, unit: Unit) -> None:
    PlanReader(document, file, unit).read()
