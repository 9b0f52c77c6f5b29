"""Terraform HCL: a module directory (its `*.tf` files) into the model.

python-hcl2's dict output carries no positions, so we read its Lark parse tree instead, whose tokens know
their line and column: an attribute points at its name, a missing attribute at its block's header.
Expressions are evaluated here, and only here, into the contents a value may take: literals, string
templates, `var.*` (defaults, `terraform.tfvars`, `*.auto.tfvars`), `local.*`, references to keys,
aliases and queues of the module, `data.aws_caller_identity.*.account_id`, conditionals (both branches
kept), arithmetic on known numbers, `jsonencode` and a few pure functions, heredocs. Anything else
(module outputs, other data sources, `count.index`, `each.*`, for expressions, splats) is unknown, and
unknown silences the rules that need it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hcl2.api import parses_to_tree
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from ..model import (
    ABSENT,
    THIS_ACCOUNT,
    THIS_REGION,
    UNKNOWN,
    Alias,
    Consumer,
    IdentityPolicy,
    Key,
    ParseError,
    PolicyDocument,
    Queue,
    ResourceRef,
    Sender,
    Span,
    Unit,
    Value,
)
from .hcl_prefilter import blank_unread_blocks
from .located import DecodeError, decode_json, key_of, span_of
from .policies import build_policy
from .scalars import dead_letter_target, json_in_string, sent_bool, sent_string, to_bool, to_int
from .sqs_module import is_sqs_module, module_queues

_MAX_OPTIONS = 32
_MAX_MODULE_DEPTH = 8
_PLACEHOLDER = "__sqs_kms_lint_reference_"
# Resources that hold identity policies (with _ATTACHMENTS, those that attach them).
_IDENTITY_POLICY_TYPES = (
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
)
_ATTACHMENTS = (
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
)
# Arguments of a module call that are Terraform's own, not the module's variables.
_META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}
_MAX_DEPTH = 60
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
# Resource types whose references the model follows, and what each attribute of theirs is.
RESOURCE_KINDS = {
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
REFERENCE_ATTRIBUTES = {
    "key": {"arn": "arn", "key_id": "id", "id": "id"},
    "alias": {"arn": "arn", "name": "name", "id": "name"},
    "queue": {"arn": "arn", "id": "url", "url": "url", "name": "name"},
    "role": _IDENTITY_ATTRIBUTES,
    "user": _IDENTITY_ATTRIBUTES,
    "group": _IDENTITY_ATTRIBUTES,
    "policy": {"arn": "arn", "id": "arn"},
}


# Every resource type some part of the model reads; the prefilter blanks the others before parsing.
READ_RESOURCE_TYPES = frozenset(
    {
        *RESOURCE_KINDS,
        *_IDENTITY_POLICY_TYPES,
        *_ATTACHMENTS,
        "aws_kms_key_policy",
        "aws_sqs_queue_redrive_policy",
        "aws_sqs_queue_policy",
        "aws_sns_topic_subscription",
        "aws_cloudwatch_event_target",
        "aws_cloudwatch_event_bus",
        "aws_s3_bucket_notification",
        "aws_lambda_event_source_mapping",
    }
)

# Reads a called module: (source as written, file that calls it) -> its blocks and parse errors, or None.
# Its directory comes first, to tell a module that calls itself, directly or not.
ModuleLoader = Callable[[str, str], "tuple[str, list[Block], list[ParseError]] | None"]


@dataclass
class Attribute:
    name: str
    expression: Any
    span: Span


@dataclass
class Block:
    type: str
    labels: list[str]
    span: Span
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, block_type: str) -> Iterator[Block]:
        return (b for b in self.blocks if b.type == block_type)


def parse_hcl(text: str, file: str) -> list[Block]:
    """The top-level blocks of one `.tf` file that rules may read (the rest is blanked before the costly
    parse, see hcl_prefilter); DecodeError at the parser's position on a syntax error."""
    return parse_body(blank_unread_blocks(text, READ_RESOURCE_TYPES) or text, file).blocks


_HEREDOC_OPENER = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)[ \t]*\r?$")


def close_heredocs_as_terraform(text: str) -> str:
    """Terraform ends a heredoc at a line holding its marker with spaces around it (`POLICY  `);
    python-hcl2 wants nothing after the marker, and would run on and swallow the resources that follow.
    Trailing blanks on opener and closer lines are dropped: no line or column before them moves."""
    if "<<" not in text:
        return text
    lines = text.split("\n")
    marker: str | None = None
    for number, line in enumerate(lines):
        if marker is None:
            opened = _HEREDOC_OPENER.search(line)
            if opened:
                marker = opened.group(1)
                lines[number] = (
                    line[: opened.start()]
                    + opened.group(0).rstrip(" \t\r")
                    + ("\r" if line.endswith("\r") else "")
                )
        elif line.strip(" \t\r") == marker:
            lines[number] = line.rstrip(" \t\r") + ("\r" if line.endswith("\r") else "")
            marker = None
    return "\n".join(lines)


def parse_body(text: str, file: str) -> Block:
    """One HCL file's top-level attributes and blocks (tfvars files have only attributes)."""
    try:
        tree = parses_to_tree(close_heredocs_as_terraform(text))
    except UnexpectedInput as error:
        token = getattr(error, "token", None) or getattr(error, "char", None)
        shown = repr(str(token).strip()[:30]) if token is not None and str(token).strip() else "end of line"
        raise DecodeError(f"HCL syntax error: unexpected {shown}", error.line, error.column) from None
    except (LarkError, RecursionError, ValueError) as error:
        raise DecodeError(f"HCL error: {_first_line(str(error))}", 1) from None
    body = next((c for c in tree.children if isinstance(c, Tree) and c.data == "body"), None)
    return _body(body, file) if body is not None else Block("body", [], Span(file, 1))


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "parse error"


def _span(tree: Any, file: str) -> Span:
    meta = getattr(tree, "meta", None)
    if isinstance(tree, Token):
        return Span(file, tree.line or 1, tree.column or 1, tree.end_line, tree.end_column)
    if meta is not None and not getattr(meta, "empty", True):
        return Span(file, meta.line, meta.column, meta.end_line, meta.end_column)
    return Span(file, 1)


def _name(tree: Any) -> str:
    """An identifier, keyword or literal used as a name, or a quoted label."""
    if isinstance(tree, Token):
        return str(tree)
    if tree.data == "string":
        return "".join(str(p.children[0]) for p in _trees(tree) if isinstance(p.children[0], Token))
    token = next((c for c in tree.children if isinstance(c, Token)), None)
    return str(token) if token is not None else ""


def _trees(tree: Tree) -> list[Tree]:
    """The child trees, without layout (newlines and comments)."""
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _body(tree: Tree, file: str) -> Block:
    block = Block("body", [], _span(tree, file))
    for child in _trees(tree):
        if child.data == "attribute":
            parts = _trees(child)
            name_tree, expression = parts[0], parts[-1]
            name_token = next((t for t in name_tree.scan_values(lambda v: isinstance(v, Token))), None)
            start = _span(name_token if name_token is not None else name_tree, file)
            end = _span(expression, file)
            span = Span(file, start.line, start.column, end.end_line, end.end_column)
            block.attributes[_name(name_tree)] = Attribute(_name(name_tree), expression, span)
        elif child.data == "block":
            parts = _trees(child)
            inner = parts[-1] if parts and parts[-1].data == "body" else None
            header = [p for p in parts if p is not inner]
            nested = _body(inner, file) if inner is not None else Block("body", [], _span(child, file))
            start = _span(child, file)
            nested.type = _name(header[0]) if header else ""
            nested.labels = [_name(h) for h in header[1:]]
            nested.span = Span(file, start.line, start.column)
            block.blocks.append(nested)
    return block


class Evaluator:
    """Evaluates HCL expressions of one module to the list of contents they may take (None: unknown)."""

    def __init__(
        self, blocks: list[Block], variables: dict[str, Any], account: str | None, prefix: str = ""
    ) -> None:
        self.account = account or THIS_ACCOUNT
        self.prefix = prefix  # "module.name." inside a called module: resource addresses are unit-wide
        self.modules: dict[
            str, tuple[Evaluator, dict[str, Attribute]]
        ] = {}  # name -> (its evaluator, outputs)
        self.resources: dict[str, Block] = {}
        self.data: dict[str, Block] = {}
        self.variables: dict[str, Any] = {}
        self.locals: dict[str, Attribute] = {}
        for block in blocks:
            if block.type == "resource" and len(block.labels) == 2:
                self.resources[".".join(block.labels)] = block
            elif block.type == "data" and len(block.labels) == 2:
                self.data[".".join(block.labels)] = block
            elif block.type == "variable" and block.labels:
                default = block.attributes.get("default")
                self.variables[block.labels[0]] = default.expression if default is not None else None
            elif block.type == "locals":
                self.locals.update(block.attributes)
        self.given = variables  # values from tfvars files or a module call (UNKNOWN when not knowable)
        self._active: set[str] = set()  # locals and names being evaluated (cycle guard)
        self._local_values: dict[str, list[Any] | None] = {}
        self._absent: dict[int, bool] = {}  # block id -> never created
        self.incomplete = False  # a file of the module did not parse: a missing resource may be in it

    def one(self, expression: Any, depth: int = 0) -> Any:
        options = self.options(expression, depth)
        return options[0] if options is not None and len(options) == 1 else UNKNOWN

    def options(self, tree: Any, depth: int = 0) -> list[Any] | None:
        """The contents `tree` may take, or None when not knowable offline. An expression Terraform would
        reject (coalesce of nothing, a missing map key, an index past the end) raises TerraformError
        inside, so that `try`/`can` can see it; at the top it is unknown."""
        if depth:
            return self._options(tree, depth)
        try:
            return self._options(tree, depth)
        except TerraformError:
            return None

    def _options(self, tree: Any, depth: int) -> list[Any] | None:
        if depth > _MAX_DEPTH or not isinstance(tree, Tree):
            return None
        kind = tree.data
        parts = _trees(tree)
        if kind == "expr_term":
            return self.options(parts[0], depth + 1) if len(parts) == 1 else None
        if kind == "int_lit":
            return [int(str(tree.children[0]))]
        if kind == "float_lit":
            return [float(str(tree.children[0]))]
        if kind == "literal_value":
            return [{"true": True, "false": False, "null": None}[str(tree.children[0])]]
        if kind == "string":
            return self._string(parts, depth)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self._heredoc(str(tree.children[0]), kind.endswith("trim"), depth)
        if kind == "tuple":
            return [[self._nested(p, depth) for p in parts]]
        if kind == "object":
            return [self._object(parts, depth)]
        if kind in ("get_attr_expr_term", "index_expr_term", "identifier"):
            path = self.reference_path(tree, depth)
            return self._reference(path, depth) if path is not None else None
        if kind == "function_call":
            return self._call(parts, depth)
        if kind == "conditional":
            return self._conditional(parts, depth) if len(parts) == 3 else None
        if kind == "binary_op":
            return self._binary(parts, depth)
        if kind == "unary_op":
            operand = self.options(parts[0], depth + 1) if parts else None
            return _each([operand], _negate if str(tree.children[0]) == "-" else _not)
        return None  # for expressions, splats, template directives, ...

    def _conditional(self, parts: list[Tree], depth: int) -> list[Any] | None:
        """`c ? a : b`: the branch a known condition picks (the other is not evaluated, as in Terraform);
        both when the condition is unknown."""
        taken = []
        for condition in self.options(parts[0], depth + 1) or [UNKNOWN]:
            decided = _as_bool(condition)
            if decided is None:
                taken = [1, 2]
                break
            taken.append(1 if decided else 2)
        results: list[Any] = []
        for branch in sorted(set(taken)):
            options = self.options(parts[branch], depth + 1)
            if options is None:
                return None
            results.extend(o for o in options if not any(_same(o, r) for r in results))
        return results if len(results) <= _MAX_OPTIONS else None

    def _policy_document(self, block: Block, depth: int) -> dict | None:
        """`data "aws_iam_policy_document"` as the IAM JSON it renders (None when it merges other documents)."""
        if any(name in block.attributes for name in ("source_policy_documents", "override_policy_documents")):
            return None
        if any(True for _ in block.children("dynamic")) or any(
            True for statement in block.children("statement") for _ in statement.children("dynamic")
        ):
            return None  # statements or conditions generated by a dynamic block: not knowable offline

        def attribute(owner: Block, name: str) -> Any:
            return (
                self.one(owner.attributes[name].expression, depth + 1) if name in owner.attributes else None
            )

        statements = []
        for statement in block.children("statement"):
            rendered: dict[str, Any] = {"Effect": attribute(statement, "effect") or "Allow"}
            if "sid" in statement.attributes:
                rendered["Sid"] = attribute(statement, "sid")
            for name, key in (
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ):
                if name in statement.attributes:
                    rendered[key] = attribute(statement, name)
            for block_type, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
                principals: dict[str, Any] = {}
                for principal in statement.children(block_type):
                    kind, identifiers = attribute(principal, "type"), attribute(principal, "identifiers")
                    if kind == "*":
                        principals["*"] = "*"
                    elif isinstance(kind, str) and isinstance(identifiers, list):
                        principals.setdefault(kind, []).extend(identifiers)
                    else:
                        principals[str(kind)] = UNKNOWN
                if principals:
                    rendered[key] = "*" if "*" in principals else principals
            conditions: dict[str, dict[str, Any]] = {}
            for condition in statement.children("condition"):
                test, variable = attribute(condition, "test"), attribute(condition, "variable")
                if isinstance(test, str) and isinstance(variable, str):
                    conditions.setdefault(test, {})[variable] = attribute(condition, "values")
                else:
                    conditions.setdefault("?", {})["?"] = UNKNOWN  # a condition we cannot read
            if conditions:
                rendered["Condition"] = UNKNOWN if "?" in conditions else conditions
            statements.append(rendered)
        return {"Version": attribute(block, "version") or "2012-10-17", "Statement": statements}

    def _nested(self, tree: Any, depth: int) -> Any:
        options = self.options(tree, depth + 1)
        return options[0] if options is not None and len(options) == 1 else UNKNOWN

    def _object(self, elements: list[Tree], depth: int) -> dict:
        result: dict[str, Any] = {}
        for element in elements:
            pieces = _trees(element)
            if len(pieces) != 2:
                continue
            key_tree = pieces[0]
            inner = _trees(key_tree)
            bare = inner[0] if inner else None
            if (
                bare is not None
                and bare.data == "expr_term"
                and _trees(bare)
                and _trees(bare)[0].data == "identifier"
            ):
                key: Any = _name(_trees(bare)[0])
            else:
                key = self.one(inner[0], depth + 1) if inner else _name(key_tree)
            if isinstance(key, str):
                result[key] = self._nested(pieces[1], depth)
        return result

    def _string(self, parts: list[Tree], depth: int) -> list[Any] | None:
        pieces: list[list[Any] | None] = []
        for part in parts:
            child = part.children[0] if part.children else None
            if isinstance(child, Token):
                text = str(child)
                if child.type == "ESCAPED_INTERPOLATION":
                    text = text[1:]
                elif child.type == "ESCAPED_DIRECTIVE":
                    text = text[1:]
                else:
                    text = _unescape(text)
                pieces.append([text])
            elif isinstance(child, Tree) and child.data == "interpolation":
                inner = _trees(child)
                pieces.append(self.options(inner[0], depth + 1) if inner else None)
            else:
                return None  # %{ if } / %{ for } directives
        return _concatenate(pieces)

    def _heredoc(self, token: str, trim: bool, depth: int) -> list[Any] | None:
        match = re.match(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)\r?\n?[ \t]*\1\r?\n?$", token, re.S)
        if not match:
            return None
        text = match.group(2)
        if trim:
            lines = text.split("\n")
            indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
            text = "\n".join(ln[indent:] for ln in lines)
        if "%{" in text.replace("%%{", ""):
            return None
        pieces: list[list[Any] | None] = []
        references: dict[str, ResourceRef] = {}
        position = 0
        for found in _INTERPOLATION.finditer(text):
            pieces.append([text[position : found.start()]])
            options = self._expression_text(found.group(1), depth)
            if options is not None and len(options) == 1 and isinstance(options[0], ResourceRef):
                # a generated value inside JSON text: a placeholder that JSON readers turn back
                placeholder = f"{_PLACEHOLDER}{len(references)}__"
                references[placeholder] = options[0]
                options = [placeholder]
            pieces.append(options)
            position = found.end()
        pieces.append([text[position:]])
        results = _concatenate(pieces)
        if results is None or not references:
            return results
        return [Template(r, references) if isinstance(r, str) else r for r in results]

    def _expression_text(self, source: str, depth: int) -> list[Any] | None:
        """An interpolation inside a heredoc (the grammar keeps heredocs as one token)."""
        try:
            attribute = parse_body(f"x = {source}\n", "").attributes.get("x")
        except DecodeError:
            return None
        return self.options(attribute.expression, depth + 1) if attribute else None

    def reference_path(self, tree: Tree, depth: int) -> list[Any] | None:
        """`a.b[0].c` as ["a", "b", 0, "c"] (an index we cannot know is UNKNOWN)."""
        if tree.data == "identifier":
            return [_name(tree)]
        parts = _trees(tree)
        if tree.data == "expr_term":
            return self.reference_path(parts[0], depth) if len(parts) == 1 else None
        if tree.data not in ("get_attr_expr_term", "index_expr_term") or len(parts) != 2:
            return None
        head = self.reference_path(parts[0], depth)
        if head is None:
            return None
        step = parts[1]
        if step.data == "get_attr":
            return head + [_name(_trees(step)[0]) if _trees(step) else ""]
        if step.data == "short_index":
            return head + [int(str(step.children[-1]))]
        if step.data == "braces_index":
            index = self.one(_trees(step)[0], depth + 1) if _trees(step) else UNKNOWN
            return head + [index]
        return None

    def _reference(self, path: list[Any], depth: int) -> list[Any] | None:
        root = path[0]
        if root == "var" and len(path) >= 2:
            name = str(path[1])
            if name in self.given:
                return _walk([self.given[name]], path[2:])
            default = self.variables.get(name)
            return _walk(self.options(default, depth + 1), path[2:]) if default is not None else None
        if root == "local" and len(path) >= 2:
            name = str(path[1])
            if name not in self.locals or name in self._active:
                return None
            if name not in self._local_values:  # each local is evaluated once
                self._active.add(name)
                try:
                    self._local_values[name] = self.options(self.locals[name].expression, depth + 1)
                except TerraformError:
                    self._local_values[name] = _FAILED
                finally:
                    self._active.discard(name)
            found = self._local_values[name]
            if found is _FAILED:
                raise TerraformError(f"local.{name} fails")
            return _walk(found, path[2:])
        if root == "data" and len(path) >= 4:
            if path[1] == "aws_caller_identity" and path[3] == "account_id":
                return [self.account]
            block = self.data.get(f"{path[1]}.{path[2]}")
            if (
                path[1] == "aws_iam_policy_document"
                and path[3] in ("json", "minified_json")
                and block is not None
            ):
                document = self._policy_document(block, depth)
                return None if document is None else [document]
            return None
        if root == "module" and len(path) >= 3 and path[1] in self.modules:
            child, outputs = self.modules[str(path[1])]
            output = outputs.get(str(path[2]))
            return (
                _walk(child.options(output.expression, depth + 1), path[3:]) if output is not None else None
            )
        if isinstance(root, str) and root in RESOURCE_KINDS and len(path) >= 3:
            return self._resource_attribute(root, path, depth)
        return None  # remote module outputs, count, each, path, self, other resources: not ours to know

    def _resource_attribute(self, resource_type: str, path: list[Any], depth: int) -> list[Any] | None:
        address = f"{resource_type}.{path[1]}"
        rest = [p for p in path[2:] if isinstance(p, str)]  # an instance index of count/for_each is ignored
        if not rest:
            return None
        kind = RESOURCE_KINDS[resource_type]
        attribute = REFERENCE_ATTRIBUTES[kind].get(rest[0])
        if attribute is None:
            return None
        block = self.resources.get(address)
        if block is None:
            return None if self.incomplete else [ResourceRef(None, self.prefix + address, attribute)]
        if address not in self._active:
            self._active.add(address)
            try:
                absent = self.never_created(block)
            finally:
                self._active.discard(address)
            if absent:  # `count = 0`: `aws_kms_key.this[0].arn` is an error (try() falls back)
                raise TerraformError(f"{address} has no instances")
        if (
            attribute == "name"
            and kind in ("alias", "queue")
            and "name" in block.attributes
            and address not in self._active
        ):
            self._active.add(address)
            try:
                name = self.one(block.attributes["name"].expression, depth + 1)
            finally:
                self._active.discard(address)
            if isinstance(name, str):
                return [name]
        return [ResourceRef(kind, self.prefix + address, attribute)]

    def never_created(self, block: Block) -> bool:
        """`count = 0` or an empty `for_each`: the resource is not there at all (decided once a block)."""
        if id(block) not in self._absent:
            self._absent[id(block)] = self._never_created(block)
        return self._absent[id(block)]

    def _never_created(self, block: Block) -> bool:
        if "count" in block.attributes:
            count = self.one(block.attributes["count"].expression)
            return count == 0 and not isinstance(count, bool)
        if "for_each" in block.attributes:
            each = self.one(block.attributes["for_each"].expression)
            return isinstance(each, (dict, list)) and not each
        return False

    def _call(self, parts: list[Tree], depth: int) -> list[Any] | None:
        name = _name(parts[0]) if parts else ""
        arguments_tree = next((p for p in parts[1:] if p.data == "arguments"), None)
        arguments = _trees(arguments_tree) if arguments_tree is not None else []
        if name == "try":  # the first argument that evaluates without an error
            for argument in arguments:
                try:
                    return self.options(argument, depth + 1)
                except TerraformError:
                    continue
            raise TerraformError("no argument of try() evaluates")
        if name == "can":
            try:
                found = self.options(arguments[0], depth + 1) if len(arguments) == 1 else None
            except TerraformError:
                return [False]
            return None if found is None or any(_unknown(o) for o in found) else [True]
        if name == "jsonencode" and len(arguments) == 1:
            # The structure itself, not its text: readers of policies and redrive policies take both.
            value = self.one(arguments[0], depth + 1)
            return None if value is UNKNOWN else [value]
        function = _FUNCTIONS.get(name)
        if function is None:
            return None
        return _each([self.options(a, depth + 1) for a in arguments], function)

    def _binary(self, parts: list[Tree], depth: int) -> list[Any] | None:
        if len(parts) != 2 or parts[1].data != "binary_term":
            return None
        term = _trees(parts[1])
        operator = str(next(c for c in term[0].children if isinstance(c, Token))) if term else ""
        apply = _OPERATORS.get(operator)
        if apply is None:
            return None
        # an unknown operand stays in: `false && x` is false whatever x is
        left, right = self.options(parts[0], depth + 1), self.options(term[-1], depth + 1)
        return _each([left or [UNKNOWN], right or [UNKNOWN]], apply)


class TerraformError(Exception):
    """An expression Terraform would reject with these known values (`try` and `can` catch it)."""


_FAILED: Any = object()  # a local whose expression fails


def _unknown(content: Any) -> bool:
    """A content whose value is not known offline (anywhere inside it)."""
    if content is UNKNOWN or isinstance(content, (ResourceRef, Template)):
        return True
    if isinstance(content, dict):
        return any(_unknown(v) for v in content.values())
    if isinstance(content, list):
        return any(_unknown(v) for v in content)
    return False


def _each(arguments: list[list[Any] | None], function: Callable[..., Any]) -> list[Any] | None:
    """`function` over every combination of its arguments' options: None when an argument is unknown,
    when the function cannot tell (UNKNOWN), or when only some combinations fail; TerraformError when
    every combination fails."""
    if any(a is None for a in arguments):
        return None
    combos = 1
    for argument in arguments:
        combos *= max(len(argument or []), 1)
    if combos > _MAX_OPTIONS:
        return None
    results: list[Any] = []
    failures = 0
    for combination in itertools.product(*[a for a in arguments if a is not None]):
        try:
            result = function(*combination)
        except TerraformError:
            failures += 1
            continue
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, ZeroDivisionError):
            return None  # a case we do not model
        if result is UNKNOWN:
            return None
        if not any(_same(result, r) for r in results):
            results.append(result)
    if failures:
        if results:
            return None
        raise TerraformError("the function fails on every value")
    return results


def _same(a: Any, b: Any) -> bool:
    """Terraform's equality on known values: no number equals a bool, a string never equals a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _as_bool(content: Any) -> bool | None:
    """A condition's value (Terraform converts "true"/"false"); None when unknown; null fails."""
    if content is None:
        raise TerraformError("a condition is null")
    if isinstance(content, bool):
        return content
    if isinstance(content, str) and not isinstance(content, Template) and content in ("true", "false"):
        return content == "true"
    if _unknown(content):
        return None
    raise TerraformError("a condition is not a bool")


def _number(content: Any) -> int | float:
    if isinstance(content, bool) or content is None:
        raise TerraformError("not a number")
    if isinstance(content, (int, float)):
        return content
    if _unknown(content):
        raise _Unknowable
    converted = to_int(content)
    if isinstance(converted, int) and not isinstance(converted, bool):
        return converted
    try:
        return float(content)
    except (TypeError, ValueError):
        raise TerraformError("not a number") from None


class _Unknowable(ValueError):
    """An operand known only after apply: the result is unknown (caught as a case we do not model)."""


def _equal(a: Any, b: Any) -> Any:
    return UNKNOWN if _unknown(a) or _unknown(b) else _same(a, b)


def _logic(both: Callable[[bool, bool], bool], decisive: bool) -> Callable[[Any, Any], Any]:
    """`&&` / `||`: a known decisive operand decides even if the other is unknown (as cty does)."""

    def apply(a: Any, b: Any) -> Any:
        left, right = _as_bool(a), _as_bool(b)
        if left is decisive or right is decisive:
            return decisive
        return UNKNOWN if left is None or right is None else both(left, right)

    return apply


def _arithmetic(operate: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        result = operate(_number(a), _number(b))
        if isinstance(result, float) and result.is_integer():
            result = int(result)
        if isinstance(result, int) and abs(result) > 10**300:
            return UNKNOWN  # far beyond any attribute: not worth a huge number
        return result

    return apply


def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        raise TerraformError("division by zero")
    return a / b


def _modulo(a: Any, b: Any) -> Any:
    if b == 0:
        raise TerraformError("modulo by zero")
    return a % b


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _equal,
    "!=": lambda a, b: _equal(a, b) if _equal(a, b) is UNKNOWN else not _equal(a, b),
    "&&": _logic(lambda a, b: a and b, False),
    "||": _logic(lambda a, b: a or b, True),
    "+": _arithmetic(lambda a, b: a + b),
    "-": _arithmetic(lambda a, b: a - b),
    "*": _arithmetic(lambda a, b: a * b),
    "/": _arithmetic(_divide),
    "%": _arithmetic(_modulo),
    "<": _arithmetic(lambda a, b: a < b),
    ">": _arithmetic(lambda a, b: a > b),
    "<=": _arithmetic(lambda a, b: a <= b),
    ">=": _arithmetic(lambda a, b: a >= b),
}


def _not(a: Any) -> Any:
    decided = _as_bool(a)
    return UNKNOWN if decided is None else not decided


def _negate(a: Any) -> Any:
    return -_number(a)


def _string_function(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    def apply(text: Any) -> Any:
        if _unknown(text):
            return UNKNOWN
        if not isinstance(text, str):
            raise TerraformError("not a string")
        return convert(text)

    return apply


def _coalesce(*values: Any) -> Any:
    """The first argument that is neither null nor an empty string; none is an error."""
    for value in values:
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None and value != "":
            return value
    raise TerraformError("coalesce: no non-null, non-empty argument")


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, dict) or not isinstance(key, str) or len(default) > 1:
        return UNKNOWN
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise TerraformError(f"lookup: no key {key!r}")


def _contains(collection: Any, value: Any) -> Any:
    if not isinstance(collection, list) or _unknown(value):
        return UNKNOWN
    found = [_equal(item, value) for item in collection]
    if True in found:
        return True
    return UNKNOWN if UNKNOWN in found else False


def _length(collection: Any) -> Any:
    if isinstance(collection, (list, dict)):
        return len(collection)
    if isinstance(collection, str) and not _unknown(collection):
        return len(collection)
    if collection is None:
        raise TerraformError("length of null")
    return UNKNOWN


def _join(separator: Any, *lists: Any) -> Any:
    items = [item for each in lists for item in (each if isinstance(each, list) else [UNKNOWN])]
    if not isinstance(separator, str) or not all(map(_text, items)):
        return UNKNOWN
    return separator.join(str(item) for item in items)


def _format_call(template: Any, *arguments: Any) -> Any:
    if not isinstance(template, str) or _unknown(template) or not all(map(_text, arguments)):
        return UNKNOWN
    return _format(template, list(arguments))


def _merge(*values: Any) -> Any:
    merged: dict = {}
    for value in values:
        if value is None:
            continue
        if not isinstance(value, dict):
            return UNKNOWN
        merged.update(value)
    return merged


def _concat(*values: Any) -> Any:
    if not all(isinstance(v, list) for v in values):
        return UNKNOWN
    return [item for v in values for item in v]


def _element(collection: Any, index: Any) -> Any:
    if not isinstance(collection, list) or not isinstance(index, int) or isinstance(index, bool):
        return UNKNOWN
    if not collection:
        raise TerraformError("element of an empty list")
    return collection[index % len(collection)]


def _one(collection: Any) -> Any:
    if not isinstance(collection, list):
        return UNKNOWN
    if len(collection) > 1:
        raise TerraformError("one: more than one element")
    return collection[0] if collection else None


def _tostring(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not _unknown(value)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return UNKNOWN


def _tobool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if _unknown(value):
        return UNKNOWN
    raise TerraformError("not a bool")


def _tonumber(value: Any) -> Any:
    return value if value is None else _number(value)


def _jsondecode(text: Any) -> Any:
    if not isinstance(text, str) or _unknown(text):
        return UNKNOWN
    decoded = json_in_string(text)
    if decoded is UNKNOWN:
        raise TerraformError("jsondecode: not JSON")
    return decoded


# Terraform functions on known values (try, can and jsonencode are Evaluator._call's own).
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": _string_function(str.lower),
    "upper": _string_function(str.upper),
    "trimspace": _string_function(str.strip),
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "jsondecode": _jsondecode,
    "join": _join,
    "format": _format_call,
    "coalesce": _coalesce,
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "contains": _contains,
    "length": _length,
    "element": _element,
    "one": _one,
}


def _walk(options: list[Any] | None, rest: list[Any]) -> list[Any] | None:
    """Attribute and index access into resolved data (`var.config.period`, `var.list[0]`)."""
    if options is None:
        return None
    results = []
    for option in options:
        for step in rest:
            if isinstance(option, dict) and isinstance(step, str) and step in option:
                option = option[step]
            elif isinstance(option, list) and isinstance(step, int) and 0 <= step < len(option):
                option = option[step]
            elif option is None or (
                isinstance(option, list) and isinstance(step, int) and not _unknown(option)
            ):
                raise TerraformError("attribute of null, or index past the end")
            else:
                return None  # a key a type constraint's optional() may fill, or an unknown
        results.append(option)
    return results


def _text(value: Any) -> bool:
    """A value a string function may print: text or a number (not null, a reference or unknown)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _format(template: str, arguments: list[Any]) -> str:
    values = iter(arguments)
    return re.sub(r"%[sdv]", lambda _: str(next(values)), template.replace("%%", "\0")).replace("\0", "%")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    try:
        return json.loads('"' + text.replace('"', '\\"').replace('\\\\"', '\\"') + '"')
    except ValueError:
        return text


class Template(str):
    """Heredoc text that holds generated values (`${aws_sqs_queue.dlq.arn}`) as placeholders: only a
    JSON reader may use it (`json_content`); anywhere else its value is unknown."""

    references: dict[str, ResourceRef]

    def __new__(cls, text: str, references: dict[str, ResourceRef]) -> Template:
        made = super().__new__(cls, text)
        made.references = references
        return made


def json_content(content: Any) -> Any:
    """A JSON document given as a structure (jsonencode) or as text (heredoc, string), with a heredoc's
    generated values put back where they stood alone in a JSON string (else UNKNOWN there)."""
    if not isinstance(content, str):
        return content
    parsed = json_in_string(content)
    if not isinstance(content, Template):
        return parsed

    def restore(node: Any) -> Any:
        if isinstance(node, str) and _PLACEHOLDER in node:
            return content.references.get(node, UNKNOWN)
        if isinstance(node, dict):
            return {k: restore(v) for k, v in node.items()}
        if isinstance(node, list):
            return [restore(v) for v in node]
        return node

    return restore(parsed)


def _concatenate(pieces: list[list[Any] | None]) -> list[Any] | None:
    if any(p is None for p in pieces):
        return None
    combos = 1
    for piece in pieces:
        combos *= max(len(piece or []), 1)
    if combos > _MAX_OPTIONS:
        return None
    if len(pieces) == 1 and pieces[0] is not None:
        return pieces[0]  # "${aws_kms_key.k.arn}" is the reference itself, "${60}" the number
    results: list[Any] = []
    for combination in itertools.product(*[p for p in pieces if p is not None]):
        if not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in combination):
            return None
        text = "".join(str(c) for c in combination)
        if text not in results:
            results.append(text)
    return results


class ModuleBuilder:
    """Fills a unit with the resources of one module (its files' blocks)."""

    def __init__(
        self,
        blocks: list[Block],
        unit: Unit,
        variables: dict[str, Any],
        loader: ModuleLoader | None = None,
        prefix: str = "",
        depth: int = 0,
        ancestry: frozenset[str] = frozenset(),
    ) -> None:
        self.blocks = blocks
        self.ancestry = ancestry  # the module directories this one is called from, itself included
        self.unit = unit
        self.prefix = prefix
        self.evaluator = Evaluator(blocks, variables, unit.account, prefix)
        self.children: list[ModuleBuilder] = []
        self.argument_spans: dict[str, Span] = {}
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
        folder, child_blocks, errors = loaded
        self.unit.errors.extend(e for e in errors if e not in self.unit.errors)  # a module called twice
        inputs = {
            name: self.evaluator.one(attribute.expression)
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
        options = self.evaluator.options(attribute.expression)
        if options is not None:
            options = [ABSENT if o is None else o for o in options]  # `= null` leaves the attribute unset
            if not json:
                options = [UNKNOWN if isinstance(o, Template) else o for o in options]
        path = self.evaluator.reference_path(attribute.expression, 0) if self.argument_spans else None
        passed = path is not None and len(path) == 2 and path[0] == "var" and path[1] in self.argument_spans
        value = Value.from_options(
            options, self.argument_spans[str(path[1])] if passed and path else attribute.span
        )
        if value.known and all(o is ABSENT for o in value.options):
            return None
        return value.map(convert) if convert else value

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
                self.attach(block.labels[0], block)

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
                resource_type, address = block.labels[0], self.prefix + ".".join(block.labels)
                if resource_type == "aws_sqs_queue":
                    self.unit.queues.append(self.queue(address, block))
                elif resource_type in ("aws_kms_key", "aws_kms_replica_key"):
                    self.unit.keys.append(self.key(address, block))
                elif resource_type == "aws_kms_alias":
                    self.unit.aliases.append(
                        Alias(
                            address,
                            block.span,
                            alias_name=self.value(block, "name"),
                            target=self.value(block, "target_key_id"),
                        )
                    )
                elif resource_type in _IDENTITY_POLICY_TYPES:
                    name = self.value(block, "name") if resource_type == "aws_iam_role" else None
                    if name is not None and isinstance(name.single, str):  # policies may name the role so
                        self.unit.cache.setdefault("holder-names", {})[name.single] = f"role:{address}"
                    self.unit.identity_policies.extend(self.identity_policies(resource_type, address, block))
                elif resource_type == "aws_lambda_event_source_mapping":
                    source = self.value(block, "event_source_arn")
                    if source is not None and source.some(_is_queue):
                        function = self.value(block, "function_name")
                        self.unit.consumers.append(
                            Consumer(address, block.span, queue=source, function=function)
                        )
                else:
                    self.unit.senders.extend(self.senders(resource_type, address, block))

    def queue(self, address: str, block: Block) -> Queue:
        queue = Queue(
            address,
            block.span,
            queue_name=self.value(block, "name"),
            account=self.unit.account or THIS_ACCOUNT,
            region=self.unit.region or THIS_REGION,
            fifo=self.value(block, "fifo_queue", to_bool),
            content_based_deduplication=self.value(block, "content_based_deduplication", sent_bool),
            deduplication_scope=self.value(block, "deduplication_scope", sent_string),
            fifo_throughput_limit=self.value(block, "fifo_throughput_limit", sent_string),
            kms_key=self.value(block, "kms_master_key_id"),
            sqs_managed_sse=self.value(block, "sqs_managed_sse_enabled", to_bool),
            reuse_period=self.value(block, "kms_data_key_reuse_period_seconds", to_int),
        )
        queue.redrive_target = self.redrive_target(block)
        return queue

    def redrive_target(self, block: Block) -> Value | None:
        policy = self.value(block, "redrive_policy", json=True)
        if policy is None:
            return None
        return dead_letter_target(json_content(policy.single), policy.span)

    def key(self, address: str, block: Block) -> Key:
        key = Key(
            address,
            block.span,
            account=self.unit.account or THIS_ACCOUNT,
            region=self.unit.region or THIS_REGION,
            enabled=self.value(
                block, "is_enabled" if "is_enabled" in block.attributes else "enabled", to_bool
            ),
            key_spec=self.value(block, "customer_master_key_spec") or self.value(block, "key_spec"),
            key_usage=self.value(block, "key_usage"),
        )
        key.policy = self.policy(block, "policy")
        return key

    def policy(self, block: Block, name: str) -> Value | None:
        value = self.value(block, name, json=True)
        if value is None:
            return None
        content = json_content(value.single)
        document = build_policy(content, None, value.span.file, value.span) if value.known else None
        return Value.of(document, value.span) if document is not None else Value.unknown(value.span)

    def identity_policies(self, resource_type: str, address: str, block: Block) -> list[IdentityPolicy]:
        """Inline role policies (`inline_policy` blocks), role/user/group policies, managed policies."""
        if resource_type == "aws_iam_role":
            if any(b.labels[:1] == ["inline_policy"] for b in block.children("dynamic")):
                # inline policies generated by a dynamic block: the role's permissions are partly unknown
                blind = self.unit.cache.setdefault("holders-with-outside-policies", set())
                blind.add(f"role:{self.prefix}{'.'.join(block.labels)}")
            owners: list[tuple[Block, Value | None]] = [
                (b, Value.of(ResourceRef("role", address, "arn"), block.span))
                for b in block.children("inline_policy")
            ]
        else:
            holder = next(
                (self.value(block, f) for f in ("role", "user", "group") if f in block.attributes), None
            )
            owners = [(block, holder)]
        found = []
        for owner, principal in owners:
            policy = self.policy(owner, "policy")
            if policy is None:
                continue
            document = policy.single if isinstance(policy.single, PolicyDocument) else None
            found.append(
                IdentityPolicy(
                    address,
                    owner.span,
                    principals=[principal] if principal is not None else [],
                    account=self.unit.account or THIS_ACCOUNT,
                    document=document,
                )
            )
        return found

    def attach(self, resource_type: str, block: Block) -> None:
        """aws_kms_key_policy and aws_sqs_queue_redrive_policy set an attribute of another resource."""
        if resource_type == "aws_kms_key_policy":
            target = self.value(block, "key_id")
            key = next((k for k in self.unit.keys if target and _names(target.single, k.name)), None)
            if key is not None:
                key.policy = self.policy(block, "policy")
        elif resource_type == "aws_sqs_queue_redrive_policy":
            target = self.value(block, "queue_url")
            queue = next((q for q in self.unit.queues if target and _names(target.single, q.name)), None)
            if queue is not None and queue.redrive_target is None:
                queue.redrive_target = self.redrive_target(block)
        elif resource_type in _ATTACHMENTS or (
            resource_type == "aws_iam_role" and "managed_policy_arns" in block.attributes
        ):
            self.attach_policy(resource_type, block)

    def attach_policy(self, resource_type: str, block: Block) -> None:
        """A managed policy attached to holders: the unit's own policy gains them; one from elsewhere
        makes their permissions partly unknown (the identity rules then skip them)."""
        if resource_type == "aws_iam_role":
            holder_values = [
                Value.of(ResourceRef("role", self.prefix + ".".join(block.labels), "arn"), block.span)
            ]
            policy = None
        else:
            holder_values = [
                v
                for f in ("role", "user", "group", "roles", "users", "groups")
                if (v := self.value(block, f))
            ]
            arn = self.value(block, "policy_arn")
            policy = next(
                (p for p in self.unit.identity_policies if arn is not None and _names(arn.single, p.name)),
                None,
            )
        if policy is not None:
            policy.principals.extend(holder_values)
            return
        blind = self.unit.cache.setdefault("holders-with-outside-policies", set())
        for value in holder_values:
            for option in value.options:
                for content in option if isinstance(option, list) else [option]:
                    if isinstance(content, ResourceRef):
                        blind.add(f"{content.kind}:{content.name}")

    def senders(self, resource_type: str, address: str, block: Block) -> list[Sender]:
        found: list[Sender] = []
        if resource_type == "aws_sns_topic_subscription":
            protocol = self.value(block, "protocol")
            if protocol is not None and protocol.single == "sqs":
                found.append(
                    Sender(
                        address,
                        block.span,
                        service="sns.amazonaws.com",
                        queue=self.value(block, "endpoint"),
                        source_arn=self.value(block, "topic_arn"),
                    )
                )
            # SNS itself sends what it could not deliver (by any protocol) to the dead-letter queue
            dead_letter = self.redrive_target(block)
            if dead_letter is not None:
                found.append(
                    Sender(
                        address,
                        block.span,
                        service="sns.amazonaws.com",
                        queue=dead_letter,
                        source_arn=self.value(block, "topic_arn"),
                        dead_letter=True,
                    )
                )
        elif resource_type == "aws_cloudwatch_event_target":
            arn = self.value(block, "arn")
            rule = _arn_only(self.value(block, "rule"))  # a rule's name, unless an ARN
            if arn is not None and arn.some(_is_queue):
                found.append(
                    Sender(address, block.span, service="events.amazonaws.com", queue=arn, source_arn=rule)
                )
        if resource_type in ("aws_cloudwatch_event_target", "aws_cloudwatch_event_bus"):
            rule = _arn_only(self.value(block, "rule")) if "rule" in block.attributes else None
            for config in block.children("dead_letter_config"):
                dead_letter = self.value(config, "arn")
                if dead_letter is not None:
                    found.append(
                        Sender(
                            address,
                            config.span,
                            service="events.amazonaws.com",
                            queue=dead_letter,
                            source_arn=rule,
                            dead_letter=True,
                        )
                    )
        elif resource_type == "aws_s3_bucket_notification":
            for queue_block in block.children("queue"):
                found.append(
                    Sender(
                        address,
                        queue_block.span,
                        service="s3.amazonaws.com",
                        queue=self.value(queue_block, "queue_arn"),
                        source_arn=_bucket_arn(self.value(block, "bucket")),
                    )
                )
        return found


def _arn_only(value: Value | None) -> Value | None:
    """A source written as an ARN; a name alone does not tell the ARN (account, region): unknown."""
    if value is None or (
        value.known and all(isinstance(o, str) and o.startswith("arn:") for o in value.options)
    ):
        return value
    return Value.unknown(value.span)


def _bucket_arn(value: Value | None) -> Value | None:
    """An S3 bucket's ARN from its name (bucket ARNs carry neither account nor region)."""
    if value is None:
        return None
    return value.map(lambda o: o if not isinstance(o, str) or o.startswith("arn:") else f"arn:aws:s3:::{o}")


def _names(content: Any, address: str) -> bool:
    return isinstance(content, ResourceRef) and content.name == address


def _is_queue(content: Any) -> bool:
    if isinstance(content, ResourceRef):
        return content.kind == "queue"
    return isinstance(content, str) and ":sqs:" in content


def tfvars(text: str) -> dict[str, Any]:
    """The literal values a tfvars file assigns (anything computed is left out)."""
    try:
        body = parse_body(text, "")
    except DecodeError:
        return {}
    evaluator = Evaluator([], {}, None)
    values = {}
    for name, attribute in body.attributes.items():
        value = evaluator.one(attribute.expression)
        if value is not UNKNOWN:
            values[name] = value
    return values


def parse_files(files: list[tuple[str, str]]) -> tuple[list[Block], list[ParseError]]:
    """The blocks of a module's files, `(shown path, text)`; a file that does not parse is an SQK000 and
    the rest of the module is still read."""
    blocks: list[Block] = []
    errors: list[ParseError] = []
    for shown, text in files:
        try:
            blocks.extend(
                parse_tf_json(text, shown) if shown.endswith(".tf.json") else parse_hcl(text, shown)
            )
        except DecodeError as error:
            errors.append(ParseError(Span(shown, error.line, error.column), error.message))
    return blocks, errors


# Nested blocks the model reads, which Terraform's JSON syntax writes as objects (or lists of them).
_JSON_BLOCKS = {
    "statement",
    "principals",
    "not_principals",
    "condition",
    "queue",
    "inline_policy",
    "dead_letter_config",
}
# Top-level block types and how many labels each takes in the JSON syntax's nesting.
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "locals": 0}


def parse_tf_json(text: str, file: str) -> list[Block]:
    """Terraform's JSON syntax (`*.tf.json`): the same blocks, every string a template as in HCL."""
    document = decode_json(text)
    if not isinstance(document, dict):
        raise DecodeError("a .tf.json file must hold a JSON object", 1)
    blocks: list[Block] = []
    for block_type, labels in _JSON_LABELS.items():
        if block_type in document:
            blocks.extend(
                _json_blocks(block_type, document[block_type], labels, [], key_of(document, block_type), file)
            )
    return blocks


def _json_blocks(
    block_type: str, node: Any, depth: int, labels: list[str], key: Any, file: str
) -> list[Block]:
    if depth > 0:
        found: list[Block] = []
        for label, inner in node.items() if isinstance(node, dict) else ():
            found.extend(_json_blocks(block_type, inner, depth - 1, [*labels, str(label)], label, file))
        return found
    return [
        _json_block(block_type, labels, body, key, file)
        for body in (node if isinstance(node, list) else [node])
    ]


def _json_block(block_type: str, labels: list[str], body: Any, key: Any, file: str) -> Block:
    block = Block(block_type, labels, span_of(key, file) or Span(file, 1))
    for name, value in body.items() if isinstance(body, dict) else ():
        if name in _JSON_BLOCKS and isinstance(value, (dict, list)):
            block.blocks.extend(_json_blocks(str(name), value, 0, [], name, file))
            continue
        if name == "dynamic" and isinstance(value, dict):  # {"dynamic": {"statement": {...}}}
            block.blocks.extend(_json_blocks("dynamic", value, 1, [], name, file))
            continue
        try:
            expression = parse_body(f"x = {json.dumps(value)}\n", file).attributes["x"].expression
        except (DecodeError, KeyError, TypeError, ValueError):
            continue
        span = span_of(name, file) or block.span
        block.attributes[str(name)] = Attribute(str(name), expression, span)
    return block


def parse_module(
    files: list[tuple[str, str]],
    unit: Unit,
    variables: dict[str, Any],
    loader: ModuleLoader | None = None,
    folder: str = "",
) -> None:
    """Add one root module's resources (and those of the local modules it calls) to `unit`."""
    blocks, errors = parse_files(files)
    unit.errors.extend(errors)
    builder = ModuleBuilder(blocks, unit, variables, loader, ancestry=frozenset({folder}))
    builder.evaluator.incomplete = bool(errors)
    builder.build()
