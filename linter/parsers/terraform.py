"""Terraform resources into the model, from a module's blocks (HCL, `*.tf.json`) or from a plan.

`TerraformModel` is the one mapping from Terraform resource types to the model: a table of small
builders, each reading a resource through `TerraformResource`, a getter that a module's blocks
(`HclResource`, here) and a plan's resources (`tfplan.PlannedResource`) both supply. `ModuleBuilder`
walks one module's blocks: local module calls, resources a `count = 0` removes, the registry SQS module.
Reading the syntax is hcl.py's job; evaluating expressions is tf_eval.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..model import ABSENT, THIS_ACCOUNT, THIS_REGION, UNKNOWN, ParseError, ResourceRef, Span, Unit, Value
from ..values import Budget, single
from . import build
from . import resource_types as types
from .build import Attributes
from .hcl import Attribute, Block, parse_files
from .resource_types import Converter, Naming
from .sqs_module import is_sqs_module, module_queues
from .tf_eval import Evaluator, PlacedDict, Template, json_content

_MAX_MODULE_DEPTH = 8
# Module instances one unit may hold, the root included: a module that calls the next one several times, at
# every level, would otherwise make exponentially many (5 calls, 8 levels: 488,280). Calls past it are
# not read (their resources are left out, their outputs unknown as a registry module's), and the unit says
# so. The real-world corpus holds at most 32 in a unit.
MAX_MODULE_INSTANCES = 200
# Arguments of a module call that are Terraform's own, not the module's variables.
_META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}

# Reads a called module: (source as written, file that calls it) -> its blocks and parse errors, or None.
# Its directory comes first, to tell a module that calls itself, directly or not.
ModuleLoader = Callable[[str, str], "tuple[str, list[Block], list[ParseError]] | None"]


class TerraformResource(Attributes, Protocol):
    def has_attribute(self, name: str) -> bool:
        """The attribute is in the source (whatever it resolves to)."""
        ...

    def set_by_caller(self, name: str) -> bool:
        """The attribute is written as `var.x`, and a tfvars file or the module's caller sets x."""
        ...

    def generated(self, block_type: str) -> bool:
        """Some nested blocks of this type are not written out (a `dynamic` block): not known offline."""
        ...


class TerraformModel:
    """Adds Terraform resources to a unit by type; then lets the resources that change another one
    (a key policy, a redrive policy, a policy attachment) change it."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.account = unit.account or THIS_ACCOUNT
        self.region = unit.region or THIS_REGION

    def add(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        handler = _BUILDERS.get(resource_type)
        if handler is not None:
            handler(self, resource_type, address, resource)

    def attach(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        handler = _ATTACHERS.get(resource_type)
        if handler is not None:
            handler(self, resource_type, address, resource)

    def queue(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        queue = build.queue(address, resource.span, resource, account=self.account, region=self.region)
        queue.optional_key_unset = (
            queue.kms_key is None
            and resource.has_attribute("kms_master_key_id")
            and not resource.set_by_caller("kms_data_key_reuse_period_seconds")
        )
        self.unit.queues.append(queue)

    def key(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        self.unit.keys.append(
            build.key(address, resource.span, resource, account=self.account, region=self.region)
        )

    def alias(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        self.unit.aliases.append(build.alias(address, resource.span, resource))

    def identity_policies(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        """Inline role policies (`inline_policy` blocks), role/user/group policies, managed policies."""
        if resource_type == "aws_iam_role":
            name = resource.value("name")
            if name is not None and isinstance(name.single, str):  # policies may name the role so
                self.unit.holder_names[name.single] = f"role:{address}"
            if resource.generated("inline_policy"):  # the role's permissions are partly unknown
                self.unit.holders_with_outside_policies.add(f"role:{address}")
            role = Value.of(ResourceRef("role", address, "arn"), resource.span)
            owners: list[tuple[Attributes, list[Value]]] = [
                (inline, [role]) for inline in resource.children("inline_policy")
            ]
        else:
            holder = next(
                (v for f in ("role", "user", "group") if (v := resource.value(f)) is not None), None
            )
            owners = [(resource, [holder] if holder is not None else [])]
        for owner, principals in owners:
            policy = build.identity_policy(address, owner.span, owner, principals, self.account)
            if policy is not None:
                self.unit.identity_policies.append(policy)

    def consumer(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        consumer = build.consumer(address, resource.span, resource)
        if consumer is not None:
            self.unit.consumers.append(consumer)

    def subscription(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        self.unit.senders.extend(build.subscription_senders(address, resource.span, resource))

    def event_target(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        rule = _arn_only(resource.value("rule"))  # a rule's name, unless an ARN
        self.unit.senders.extend(build.event_target_senders(address, resource, rule))

    def event_bus(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        self.unit.senders.extend(build.dead_letter_senders(address, resource, None))

    def bucket_notification(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        bucket = build.bucket_arn(resource.value("bucket"))
        self.unit.senders.extend(
            build.bucket_notification_senders(address, resource.children("queue"), bucket)
        )

    def key_policy(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        """aws_kms_key_policy sets the policy of a key of the unit."""
        target = resource.value("key_id")
        key = next((k for k in self.unit.keys if target and _names(target.single, k.name)), None)
        if key is not None:
            key.policy = build.policy_value(resource, types.KEY_POLICY)

    def queue_redrive_policy(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        """aws_sqs_queue_redrive_policy sets the redrive policy of a queue of the unit."""
        target = resource.value("queue_url")
        queue = next((q for q in self.unit.queues if target and _names(target.single, q.name)), None)
        if queue is not None and queue.redrive_target is None:
            queue.redrive_target = build.dead_letter_target(resource)

    def policy_attachment(self, resource_type: str, address: str, resource: TerraformResource) -> None:
        """A managed policy attached to holders: the unit's own policy gains them; one from elsewhere
        makes their permissions partly unknown (the identity rules then skip them)."""
        if resource_type == "aws_iam_role":
            if resource.value("managed_policy_arns") is None:
                return
            holders = [Value.of(ResourceRef("role", address, "arn"), resource.span)]
            policy = None
        else:
            holders = [
                v
                for f in ("role", "user", "group", "roles", "users", "groups")
                if (v := resource.value(f)) is not None
            ]
            arn = resource.value("policy_arn")
            policy = next(
                (p for p in self.unit.identity_policies if arn is not None and _names(arn.single, p.name)),
                None,
            )
        if policy is not None:
            policy.principals.extend(holders)
            return
        for value in holders:
            for option in value.options:
                for content in option if isinstance(option, list) else [option]:
                    if isinstance(content, ResourceRef):
                        self.unit.holders_with_outside_policies.add(f"{content.kind}:{content.name}")


_Handler = Callable[[TerraformModel, str, str, TerraformResource], None]
# What each resource type adds to the model.
_BUILDERS: dict[str, _Handler] = {
    "aws_sqs_queue": TerraformModel.queue,
    "aws_kms_key": TerraformModel.key,
    "aws_kms_replica_key": TerraformModel.key,
    "aws_kms_alias": TerraformModel.alias,
    **dict.fromkeys(
        (
            "aws_iam_role",
            "aws_iam_role_policy",
            "aws_iam_policy",
            "aws_iam_user_policy",
            "aws_iam_group_policy",
        ),
        TerraformModel.identity_policies,
    ),
    "aws_lambda_event_source_mapping": TerraformModel.consumer,
    "aws_sns_topic_subscription": TerraformModel.subscription,
    "aws_cloudwatch_event_target": TerraformModel.event_target,
    "aws_cloudwatch_event_bus": TerraformModel.event_bus,
    "aws_s3_bucket_notification": TerraformModel.bucket_notification,
}
# Resources that change another resource of the unit, applied once every resource exists.
_ATTACHERS: dict[str, _Handler] = {
    "aws_kms_key_policy": TerraformModel.key_policy,
    "aws_sqs_queue_redrive_policy": TerraformModel.queue_redrive_policy,
    **dict.fromkeys(
        (
            "aws_iam_role",
            "aws_iam_role_policy_attachment",
            "aws_iam_user_policy_attachment",
            "aws_iam_group_policy_attachment",
            "aws_iam_policy_attachment",
        ),
        TerraformModel.policy_attachment,
    ),
}
# the types whose references the model follows (users, groups) need no builder of their own
TABLE_TYPES = frozenset({*_BUILDERS, *_ATTACHERS, *types.TERRAFORM_KINDS})


def _arn_only(value: Value | None) -> Value | None:
    """A source written as an ARN; a name alone does not tell the ARN (account, region): unknown."""
    if value is None or (
        value.known and all(isinstance(o, str) and o.startswith("arn:") for o in value.options)
    ):
        return value
    return Value.unknown(value.span)


def _names(content: Any, address: str) -> bool:
    return isinstance(content, ResourceRef) and content.name == address


class HclResource:
    """A resource block of a module (or a nested block of it), read through the module's evaluator."""

    naming: Naming = "terraform"

    def __init__(self, builder: ModuleBuilder, block: Block) -> None:
        self.builder = builder
        self.block = block
        self.span = block.span

    def value(self, name: str, convert: Converter | None = None) -> Value | None:
        return self.builder.value(self.block, name, convert)

    def document(self, name: str) -> tuple[Value | None, Any]:
        value = self.builder.value(self.block, name, json=True)
        if value is None:
            return None, None
        value = value.map(json_content)
        # an object built in HCL (jsonencode, a policy document, a heredoc's JSON) knows where each of its
        # objects was written: the policy reader places each statement there
        return value, value.single if isinstance(value.single, PlacedDict) else None

    def children(self, name: str) -> list[Attributes]:
        return [HclResource(self.builder, b) for b in self.block.children(name)]

    def has_attribute(self, name: str) -> bool:
        return name in self.block.attributes

    def set_by_caller(self, name: str) -> bool:
        attribute = self.block.attributes.get(name)
        if attribute is None:
            return False
        evaluator = self.builder.evaluator
        path = evaluator.reference_path(attribute.expression, 0)
        return path is not None and len(path) == 2 and path[0] == "var" and path[1] in evaluator.given

    def generated(self, block_type: str) -> bool:
        return any(b.labels[:1] == [block_type] for b in self.block.children("dynamic"))


class _Instances:
    """How many module instances a unit holds so far (shared by its ModuleBuilders)."""

    def __init__(self) -> None:
        self.count = 1  # the root module


class ModuleBuilder:
    """Fills a unit with the resources of one module (its files' blocks). The modules of a unit share
    its evaluation budget and its count of module instances."""

    def __init__(
        self,
        blocks: list[Block],
        unit: Unit,
        variables: dict[str, Any],
        loader: ModuleLoader | None = None,
        prefix: str = "",
        depth: int = 0,
        ancestry: frozenset[str] = frozenset(),
        budget: Budget | None = None,
        instances: _Instances | None = None,
    ) -> None:
        self.blocks = blocks
        self.ancestry = ancestry  # the module directories this one is called from, itself included
        self.unit = unit
        self.prefix = prefix
        self.budget = budget if budget is not None else Budget(unit)
        self.instances = instances if instances is not None else _Instances()
        self.evaluator = Evaluator(blocks, variables, unit.account, prefix, self.budget)
        self.model = TerraformModel(unit)
        self.children: list[ModuleBuilder] = []
        self.argument_spans: dict[str, Span] = {}
        self.variable_spans: dict[str, Span] = {}  # where a tfvars file sets a root module's variable
        if loader is not None and depth < _MAX_MODULE_DEPTH:
            for block in blocks:
                if block.type == "module" and block.labels:
                    self._call(block, loader, depth)

    def _call(self, block: Block, loader: ModuleLoader, depth: int) -> None:
        """A local module (`source = "./x"`): its resources join the unit under `module.NAME.`, its
        variables take the call's arguments (unknown where those are), its outputs answer `module.NAME.*`."""
        source = (
            self.evaluator.one(block.attributes["source"].expression)
            if "source" in block.attributes
            else None
        )
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            return  # registry and remote modules are not read
        loaded = loader(source, block.span.file)
        if loaded is None or loaded[0] in self.ancestry:
            return  # not readable here, or a module that calls itself
        if self.instances.count >= MAX_MODULE_INSTANCES:
            self.budget.stop(
                f"more than {MAX_MODULE_INSTANCES} module instances (the budget of one unit): "
                "later module calls are not read"
            )
            return
        self.instances.count += 1
        folder, child_blocks, errors = loaded
        self.unit.errors.extend(e for e in errors if e not in self.unit.errors)  # a module called twice
        inputs = {
            name: single(self.evaluator.attribute(attribute))
            for name, attribute in block.attributes.items()
            if name not in _META_ARGUMENTS
        }
        child = ModuleBuilder(
            child_blocks,
            self.unit,
            inputs,
            loader,
            f"{self.prefix}module.{block.labels[0]}.",
            depth + 1,
            self.ancestry | {folder},
            self.budget,
            self.instances,
        )
        # A variable passed straight through is reported where the caller wrote its value.
        child.argument_spans = {
            name: attribute.span
            for name, attribute in block.attributes.items()
            if name not in _META_ARGUMENTS
        }
        outputs = {
            b.labels[0]: b.attributes["value"]
            for b in child_blocks
            if b.type == "output" and b.labels and "value" in b.attributes
        }
        self.evaluator.modules[block.labels[0]] = (child.evaluator, outputs)
        self.children.append(child)

    def value(self, block: Block, name: str, convert: Any = None, json: bool = False) -> Value | None:
        attribute = block.attributes.get(name)
        if attribute is None:
            return None
        options = self.evaluator.attribute(attribute)
        if options is not None and not self.budget.spend_size(options):
            options = None  # (a value shared by many attributes costs its size each time: rules read it all)
        if options is not None:
            options = [ABSENT if o is None else o for o in options]  # `= null` leaves the attribute unset
            if not json:
                options = [UNKNOWN if isinstance(o, Template) else o for o in options]
        path = self.evaluator.reference_path(attribute.expression, 0)
        span, related = attribute.span, self._origin(attribute, path)
        if path is not None and len(path) == 2 and path[0] == "var" and path[1] in self.argument_spans:
            span = self.argument_spans[str(path[1])]  # (passed straight through: where the caller wrote it)
        value = Value.from_options(options, span)
        if related:
            value = Value(value.options, value.span, value.written_as, related)
        if value.known and all(o is ABSENT for o in value.options):
            return None
        return value.map(convert) if convert else value

    def _origin(self, attribute: Attribute, path: list[Any] | None) -> tuple[tuple[Span, str], ...]:
        """Where the value of an attribute written as just `var.x` or `local.x` comes from, to be named
        beside a finding on it: the module argument that passed it (the finding itself is there, so the
        module's line is named), the tfvars file that set it, its default, the local's definition. `path`
        is the attribute's reference path (evaluator.reference_path), None when it is no reference."""
        if path is None or len(path) != 2 or not isinstance(path[1], str):
            return ()
        root, name = path
        if root == "var":
            if name in self.argument_spans:
                return ((attribute.span, f"the module uses var.{name} here ({attribute.name})"),)
            if name in self.variable_spans:
                return ((self.variable_spans[name], f"var.{name} is set here"),)
            default = self.evaluator.variables.get(name)
            if name not in self.evaluator.given and default is not None:
                return ((default.span, f"var.{name} has this default"),)
        elif root == "local" and name in self.evaluator.locals:
            return ((self.evaluator.locals[name].span, f"local.{name} is defined here"),)
        return ()

    def build(self) -> None:
        """All resources of this module and the modules it calls, then what changes them (a child's
        aws_kms_key_policy may aim at the caller's key)."""
        self.build_resources()
        self.attach_all()

    def attach_all(self) -> None:
        for child in self.children:
            child.attach_all()
        for block in self.blocks:  # resources that change another resource, once those exist
            if block.type == "resource" and len(block.labels) == 2 and not self.never_created(block):
                self.model.attach(
                    block.labels[0], self.prefix + ".".join(block.labels), HclResource(self, block)
                )

    def never_created(self, block: Block) -> bool:
        return self.evaluator.never_created(block)

    def build_resources(self) -> None:
        for child in self.children:
            child.build_resources()
        for block in self.blocks:
            if block.type == "module" and block.labels and "source" in block.attributes:
                source = self.evaluator.one(block.attributes["source"].expression)
                version = block.attributes.get("version")
                pinned = self.evaluator.one(version.expression) if version is not None else None
                if is_sqs_module(source, pinned):
                    self.unit.queues.extend(module_queues(self, block, self.prefix))
        for block in self.blocks:
            if block.type == "resource" and len(block.labels) == 2 and not self.never_created(block):
                self.model.add(
                    block.labels[0], self.prefix + ".".join(block.labels), HclResource(self, block)
                )


def parse_module(
    files: list[tuple[str, str]],
    unit: Unit,
    variables: dict[str, Any],
    loader: ModuleLoader | None = None,
    folder: str = "",
    variable_spans: dict[str, Span] | None = None,
) -> None:
    """Add one root module's resources (and those of the local modules it calls) to `unit`;
    `variable_spans` says where tfvars files set the `variables`."""
    blocks, errors = parse_files(files)
    unit.errors.extend(errors)
    builder = ModuleBuilder(blocks, unit, variables, loader, ancestry=frozenset({folder}))
    builder.variable_spans = variable_spans or {}
    builder.evaluator.incomplete = bool(errors)
    builder.build()
