"""Hostile input to the decoders: every shape decodes, or fails with a DecodeError of its own file, at a
cost that grows linearly with its size or stops at a limit.

Cost is measured as work where it can be: the Python lines a decode runs (a tracer counts them), which no
machine's speed changes. Doubling the input must about double the work (a quadratic part would
quadruple it). Work done inside the regex engine is invisible to the tracer: there, a generous wall-time
bound is the last resort (for inputs that took minutes).
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from sqs_kms_lint.parsers import hcl, located
from sqs_kms_lint.parsers.hcl import check_heredocs, parse_files, parse_hcl
from sqs_kms_lint.parsers.hcl_prefilter import blank_unread_blocks
from sqs_kms_lint.parsers.located import DecodeError, decode_json, decode_yaml, key_span, span_of
from sqs_kms_lint.parsers.resource_types import TERRAFORM_READ_TYPES

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def outcome(decode: Callable[[str], Any], text: str) -> Any:
    """The decoded document, or the DecodeError: any other exception fails the test."""
    try:
        return decode(text)
    except DecodeError as error:
        return error


def work(decode: Callable[[str], Any], text: str) -> int:
    """Python lines run and calls made by decode(text), which may fail with a DecodeError."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        outcome(decode, text)
    finally:
        sys.settrace(previous)
    return count


def assert_linear(decode: Callable[[str], Any], make: Callable[[int], str], n: int) -> None:
    small, large = work(decode, make(n)), work(decode, make(2 * n))
    assert large < 2.3 * small, f"twice the input, {large / small:.1f} times the work"


def timed(decode: Callable[[str], Any], text: str) -> tuple[Any, float]:
    start = time.perf_counter()
    result = outcome(decode, text)
    return result, time.perf_counter() - start


# --- YAML ------------------------------------------------------------------------------------------------


def anchors(n: int) -> str:
    return HEAD + "Metadata:\n" + "".join(f"  a{i}: &a{i} x\n  b{i}: *a{i}\n" for i in range(n))


def wide_mapping(n: int) -> str:
    return HEAD + "Metadata:\n" + "".join(f"  k{i}: v\n" for i in range(n))


def long_list(n: int) -> str:
    return HEAD + "Metadata:\n  L:\n" + "    - item\n" * n


def test_many_anchors_and_aliases_decode_in_linear_time() -> None:
    """5,000 anchors and aliases took 26 s: cfn-lint located every alias by walking the document."""
    document = outcome(decode_yaml, anchors(5000))
    assert not isinstance(document, DecodeError)
    assert document["Metadata"]["b4999"] == "x"
    assert_linear(decode_yaml, anchors, 400)


def test_too_many_aliases_are_refused_at_the_limit() -> None:
    error = outcome(decode_yaml, anchors(20000))
    assert isinstance(error, DecodeError) and "10,000 YAML aliases" in error.message
    assert error.line == 7 + 2 * 10000  # the alias beyond the limit
    # what the refusal costs does not grow with what follows the limit
    assert work(decode_yaml, anchors(30000)) < 1.1 * work(decode_yaml, anchors(15000))


@pytest.mark.parametrize(
    "text",
    [
        # nested sequences of aliases: 10**9 nodes once expanded
        HEAD
        + "Metadata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 10)),
        # nested mappings of aliases
        HEAD
        + "Metadata:\n  m0: &m0 {a: x, b: x}\n"
        + "".join(f"  m{i}: &m{i} {{a: *m{i - 1}, b: *m{i - 1}}}\n" for i in range(1, 40)),
    ],
    ids=["sequences", "mappings"],
)
def test_alias_amplification_is_refused_before_anything_is_built(text: str) -> None:
    error = outcome(decode_yaml, text)
    assert isinstance(error, DecodeError) and "250,000 nodes once aliases are expanded" in error.message
    assert work(decode_yaml, text) < 20_000


def test_merge_keys_work_and_doubling_merge_chains_are_refused() -> None:
    """Merging doubles nothing (PyYAML merges a key node once), but the estimate counts every alias at
    its full size: a chain of merges that would double at each level is refused as amplification."""
    text = HEAD + "Metadata:\n  m0: &m0 {a: 1, b: 2}\n"
    text += "".join(f"  m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], c{i}: 1}}\n" for i in range(1, 60))
    error = outcome(decode_yaml, text)
    assert isinstance(error, DecodeError) and "250,000 nodes once aliases are expanded" in error.message
    assert work(decode_yaml, text) < 20_000
    merged = "".join(f"  m{i}:\n    <<: *d\n    c: {i}\n" for i in range(500))
    document = outcome(decode_yaml, HEAD + "Metadata:\n  d: &d {a: 1, b: 2}\n" + merged)
    assert not isinstance(document, DecodeError)
    assert document["Metadata"]["m499"] == {"a": 1, "b": 2, "c": 499}


def test_a_wide_mapping_decodes_in_linear_time() -> None:
    """A mapping with 50,000 keys took 73 s: cfn-lint compared every key with every earlier one."""
    document = outcome(decode_yaml, wide_mapping(30000))
    assert not isinstance(document, DecodeError) and len(document["Metadata"]) == 30000
    assert_linear(decode_yaml, wide_mapping, 1000)


def test_duplicate_keys_are_still_found() -> None:
    error = outcome(decode_yaml, HEAD + "Metadata:\n  a: 1\n  b: 2\n  a: 3\n")
    assert isinstance(error, DecodeError)
    assert (error.message, error.line, error.column) == ("Duplicate found 'a' (line 6)", 6, 3)
    error = outcome(decode_yaml, HEAD + "Metadata:\n  1: a\n  1: b\n")  # (cfn-lint failed on these)
    assert isinstance(error, DecodeError) and error.message == "Duplicate found 1 (line 6)"
    base = "Metadata:\n  base: &b {x: 1}\n  d:\n    <<: *b\n    x: 2\n"  # a merge key may be overridden
    document = outcome(decode_yaml, HEAD + base)
    assert not isinstance(document, DecodeError) and document["Metadata"]["d"] == {"x": 2}


def test_a_huge_document_is_refused_at_the_node_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50 MB list took 84 s and 4 GB; it is refused once its nodes pass the limit, at a cost that does
    not depend on the size of the file."""
    error, seconds = timed(decode_yaml, long_list(300_000))
    assert isinstance(error, DecodeError) and "250,000 nodes" in error.message
    assert seconds < 10  # (about one second)
    monkeypatch.setattr(located, "MAX_NODES", 2000)
    assert work(decode_yaml, long_list(100_000)) < 1.1 * work(decode_yaml, long_list(10_000))


@pytest.mark.parametrize("depth", [151, 1000, 100_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    error = outcome(decode_yaml, HEAD + "Metadata: " + "[" * depth + "]" * depth + "\n")
    assert isinstance(error, DecodeError) and "nest" in error.message
    block = "".join(" " * i + "a:\n" for i in range(1, min(depth, 2000)))  # (no 5 GB of indentation)
    error = outcome(decode_yaml, HEAD + "Metadata:\n" + block)
    assert isinstance(error, DecodeError) and "nest" in error.message


def test_nesting_within_the_limit_decodes() -> None:
    text = HEAD + "Metadata: " + "[" * 140 + "]" * 140 + "\n"
    assert not isinstance(outcome(decode_yaml, text), DecodeError)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [*x]",  # an alias inside the node it names
        "a: *nowhere",
        "a: 9" + "9" * 5000,  # beyond Python's digit limit
        "a: !Foo [",
        "a: 1\n---\nb: 2",
        "? [1]\n: a",
        "a: !!python/object:os.system x",
    ],
)
def test_odd_yaml_fails_with_a_decode_error(text: str) -> None:
    assert isinstance(outcome(decode_yaml, HEAD + "Metadata:\n  " + text.replace("\n", "\n  ")), DecodeError)


# --- JSON ------------------------------------------------------------------------------------------------


def wide_object(n: int) -> str:
    return json.dumps({"Resources": {f"k{i}": i for i in range(n)}})


def plan(n: int) -> str:
    resources = [
        {
            "address": f"aws_s3_bucket.b{i}",
            "type": "aws_s3_bucket",
            "values": {
                "bucket": f"b-{i}",
                "tags": {"Name": f"n{i}"},
                "acl": None,
                "versioning": [{"on": True}],
            },
        }
        for i in range(n)
    ]
    return json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}})


def test_a_wide_object_decodes_in_linear_time() -> None:
    """cfn-lint's decoder compared every key with every earlier one."""
    document = outcome(decode_json, wide_object(100_000))
    assert not isinstance(document, DecodeError) and len(document["Resources"]) == 100_000
    assert_linear(decode_json, wide_object, 1000)


def test_reading_the_members_of_a_wide_object_is_linear() -> None:
    """key_of found a member's key by walking the mapping's keys, once per lookup."""

    def read_all(text: str) -> Any:
        document = decode_json(text)["Resources"]
        return [key_span(document, name, "f.json", None) for name in document]  # type: ignore[arg-type]

    assert_linear(read_all, wide_object, 1000)
    spans = read_all(wide_object(3))
    assert [(s.line, s.column) for s in spans] == [(1, 17), (1, 26), (1, 35)]


def test_a_large_plan_costs_little_per_byte() -> None:
    """A 200 MB JSON took 199 s and 10 GB."""
    text = plan(5000)  # about 800 KB
    tracemalloc.start()
    try:
        document, seconds = timed(decode_json, text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not isinstance(document, DecodeError)
    assert peak < 40 * len(text)  # (29 bytes a byte; cfn-lint's decoder took 64)
    resources = document["planned_values"]["root_module"]["resources"]
    assert span_of(resources[-1], "p.json") is not None and span_of(resources[-1]["values"]["tags"], "p.json")
    assert_linear(decode_json, plan, 300)


def test_a_long_array_of_scalars_is_read_at_once() -> None:
    text = '{"Resources": [' + ",".join(['"abc"', "1", "-2.5e3", "true", "null"] * 200_000) + "]}"
    document, seconds = timed(decode_json, text)
    assert not isinstance(document, DecodeError) and len(document["Resources"]) == 1_000_000
    assert seconds < 10  # (about half a second; a million elements read one by one took several)
    assert work(decode_json, text) < 1000


@pytest.mark.parametrize("depth", [151, 100_000])
def test_deep_json_is_refused(depth: int) -> None:
    for opening, closing in (("[", "]"), ('{"a":', "}")):
        error = outcome(decode_json, '{"Resources": ' + opening * depth + "1" + closing * depth + "}")
        assert isinstance(error, DecodeError) and "more than 150 levels" in error.message


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{"a": }', "JSON error: Expecting value", 1, 8),  # (cfn-lint failed with a TypeError)
        ('{\n"a": 1,\n"a": 2}', 'JSON error: Duplicate found "a"', 3, 2),
        ("[1, 2", "JSON syntax error: Expecting ',' delimiter", 1, 6),
        ('{"a": "\\x"}', "JSON error: Invalid \\escape: 'x'", 1, 10),
        ('{"a": 1} x', "JSON syntax error: Extra data", 1, 10),
        # (Python 3.10 words it "Exceeds the limit (4300) for integer string conversion")
        ('{"a": ' + "9" * 5000 + "}", "JSON error: Exceeds the limit (4300", 1, 1),
    ],
)
def test_odd_json_fails_with_a_decode_error(text: str, message: str, line: int, column: int) -> None:
    error = outcome(decode_json, text)
    assert isinstance(error, DecodeError)
    assert (error.message[: len(message)], error.line, error.column) == (message, line, column)


# --- HCL -------------------------------------------------------------------------------------------------

QUEUE = 'resource "aws_sqs_queue" "q" {\n  kms_master_key_id = <<EOF\n'


@pytest.mark.parametrize(
    "text",
    [
        QUEUE + "\n" * 150_000,  # unterminated, then blank lines: 83 s in the lexer's heredoc regex
        QUEUE + " " * 200_000 + "\nEOF\n}\n",  # one line of spaces: > 120 s in the evaluator's
        QUEUE + " " * 200_000 + "\n",
        QUEUE + "\n \n" * 50_000 + "EOF\n}\n",
        QUEUE.replace("EOF\n", "EOF  \n") + "\n" * 150_000,  # (blanks after the opening are dropped)
    ],
    ids=["blank-lines", "spaces", "spaces-unterminated", "blank-lines-terminated", "opening-with-blanks"],
)
def test_heredocs_too_costly_to_read_are_refused(text: str) -> None:
    error, seconds = timed(lambda t: parse_hcl(t, "main.tf"), text)
    assert isinstance(error, DecodeError) and "regex steps" in error.message
    assert (error.line, error.column) == (2, 23)  # the heredoc's opening
    assert seconds < 5  # (the refusal takes a fraction of a second)


def test_ordinary_heredocs_are_read() -> None:
    policy = "{\n" + "".join(f'        "k{i}": [\n            "v"\n        ],\n' for i in range(2000)) + "}\n"
    text = "".join(
        f'resource "aws_sqs_queue" "q{i}" {{\n  policy = <<-EOF\n{policy if i == 0 else "{}"}\n  EOF\n}}\n\n'
        for i in range(200)
    )
    check_heredocs(text)  # (no DecodeError)
    blocks, seconds = timed(lambda t: parse_hcl(t, "main.tf"), text)
    assert not isinstance(blocks, DecodeError) and len(blocks) == 200
    # the blank lines a heredoc may hold before the limit cost the lexer little
    text = QUEUE + "\n" * 1200 + "EOF\n}\n"
    check_heredocs(text)
    blocks, seconds = timed(lambda t: parse_hcl(t, "main.tf"), text)
    assert not isinstance(blocks, DecodeError) and seconds < 5


def test_the_heredoc_check_is_linear() -> None:
    def many(n: int) -> str:
        return "".join(f"locals {{\n  a{i} = <<A{i}\n  x\n\n  A{i}\n}}\n# <<B{i}\n" for i in range(n))

    assert_linear(check_heredocs, many, 500)


def deeply_nested(depth: int) -> str:
    return 'resource "aws_sqs_queue" "q" {\n  name = "' + '${"' * depth + "x" + '"}' * depth + '"\n}\n'


def test_deep_interpolations_do_not_overflow_the_prefilter() -> None:
    """The prefilter recursed once per `${"`: 5,000 of them raised a RecursionError."""
    lambda_ = deeply_nested(50_000).replace("aws_sqs_queue", "aws_lambda_function")
    assert blank_unread_blocks(lambda_, TERRAFORM_READ_TYPES) == "".join(
        c if c in "\r\n" else " " for c in lambda_
    )
    assert_linear(lambda t: blank_unread_blocks(t, TERRAFORM_READ_TYPES), deeply_nested, 500)


def test_a_file_too_deep_to_parse_keeps_the_other_files_findings() -> None:
    good = 'resource "aws_sqs_queue" "ok" {\n  kms_master_key_id = "alias/x"\n}\n'
    blocks, errors = parse_files([("a.tf", deeply_nested(2000)), ("b.tf", good)])
    assert any(b.labels == ["aws_sqs_queue", "ok"] for b in blocks)
    assert all(e.span.file == "a.tf" for e in errors)


@pytest.mark.parametrize("raised", [RecursionError, MemoryError, ValueError])
def test_any_decoding_failure_is_the_files_own_error(
    monkeypatch: pytest.MonkeyPatch, raised: type[Exception]
) -> None:
    """A RecursionError (say) while reading one file of a module used to escape the module, and fall on
    another file; every file's findings were lost."""
    real = hcl.blank_unread_blocks

    def failing(text: str, types: frozenset[str]) -> str | None:
        if "broken" in text:
            raise raised("boom")
        return real(text, types)

    monkeypatch.setattr(hcl, "blank_unread_blocks", failing)
    good = 'resource "aws_sqs_queue" "ok" {\n  name = "x"\n}\n'
    blocks, errors = parse_files([("a.tf", good), ("b.tf", 'variable "broken" {}\n'), ("c.tf", good)])
    assert [e.span.file for e in errors] == ["b.tf"]
    assert len(blocks) == 2


def test_a_deep_tf_json_file_is_its_own_error() -> None:
    deep = '{"locals": {"a": ' + "[" * 1000 + "]" * 1000 + "}}"
    blocks, errors = parse_files([("a.tf.json", deep), ("b.tf", "locals {\n  b = 1\n}\n")])
    assert [e.span.file for e in errors] == ["a.tf.json"] and "nested too deeply" in errors[0].message
    assert len(blocks) == 1
