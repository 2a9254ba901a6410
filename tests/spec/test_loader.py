"""The loader: every kind of bad experiment file gives the right field path, line and reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.spec import ExperimentFileError, Problem, check_file, load_experiment, validate_files
from tests.spec.conftest import WriteExperiment

# (id, text to replace in the valid sample, replacement, expected field path,
#  text on the expected line (first occurrence in the mutated file), reason fragment)
BAD_EDITS = [
    (
        "unknown-link",
        "link: payments-clearing\n    toxic",
        "link: payment-core\n    toxic",
        "timeline[1].link",
        "payment-core",
        "unknown link 'payment-core' (did you mean 'payments-core'?)",
    ),
    (
        "unknown-toxic-attribute",
        "latency: 300",
        "latncy: 300",
        "timeline[1].toxic.attributes.latncy",
        "latncy",
        "did you mean 'latency'?",
    ),
    (
        "negative-toxic-attribute",
        "latency: 300",
        "latency: -3",
        "timeline[1].toxic.attributes.latency",
        "latency: -3",
        "zero or more",
    ),
    (
        "string-toxic-attribute",
        "latency: 300",
        "latency: '300'",
        "timeline[1].toxic.attributes.latency",
        "'300'",
        "valid integer, got string '300'",
    ),
    (
        "unknown-toxic-type",
        "type: latency",
        "type: latenc",
        "timeline[1].toxic.type",
        "type: latenc",
        "did you mean 'latency'?",
    ),
    (
        "bad-stream",
        "stream: downstream",
        "stream: down",
        "timeline[1].toxic.stream",
        "stream: down",
        "not one of: upstream, downstream",
    ),
    (
        "toxicity-above-one",
        "toxicity: 0.5",
        "toxicity: 2",
        "timeline[1].toxic.toxicity",
        "toxicity: 2",
        "less than or equal to 1",
    ),
    (
        "unknown-action",
        "action: crash",
        "action: crsh",
        "timeline[0].action",
        "crsh",
        "unknown action 'crsh' (did you mean 'crash'?)",
    ),
    (
        "missing-action",
        "    action: crash\n",
        "",
        "timeline[0].action",
        "- at: fault\n",
        "missing 'action'",
    ),
    (
        "offset-without-unit",
        "at: fault+5s",
        "at: fault+5",
        "timeline[1].at",
        "fault+5",
        "bad duration '5'",
    ),
    (
        "unknown-phase-mark",
        "at: fault+5s",
        "at: faults+5s",
        "timeline[1].at",
        "faults+5s",
        "unknown phase 'faults' (did you mean 'fault'?)",
    ),
    (
        "offset-after-the-run",
        "at: 50s",
        "at: 5m",
        "timeline[2].at",
        "at: 5m",
        "outside the run, which lasts 110s",
    ),
    ("bare-number-offset", "at: 50s", "at: 50", "timeline[2].at", "at: 50", "has no unit"),
    (
        "negative-mark-before-start",
        "at: fault+5s",
        "at: baseline-5s",
        "timeline[1].at",
        "baseline-5s",
        "-5s from the start is outside the run",
    ),
    (
        "action-ends-after-run",
        "    duration: 30s\n",
        "    duration: 10m\n",
        "timeline[0].duration",
        "duration: 10m",
        "ends at 620s, after the run ends at 110s",
    ),
    (
        "zero-phase",
        "baseline: 20s",
        "baseline: 0s",
        "phases.baseline",
        "baseline: 0s",
        "greater than zero",
    ),
    (
        "junk-phase",
        "baseline: 20s",
        "baseline: twenty",
        "phases.baseline",
        "twenty",
        "bad duration 'twenty'",
    ),
    (
        "missing-phase",
        "  recovery: 30s\n",
        "",
        "phases.recovery",
        "phases:",
        "missing required key 'recovery'",
    ),
    (
        "wrong-type",
        "users: 10",
        "users: ten",
        "load.users",
        "users: ten",
        "valid integer, got string 'ten'",
    ),
    (
        "out-of-range",
        "users: 10",
        "users: 0",
        "load.users",
        "users: 0",
        "greater than or equal to 1",
    ),
    (
        "unknown-key",
        "users: 10",
        "usrs: 10",
        "load.usrs",
        "usrs",
        "unknown key 'usrs' (did you mean 'users'?)",
    ),
    ("unknown-top-level-key", "seed: 7", "sede: 7", "sede", "sede", "did you mean 'seed'?"),
    (
        "duplicate-key",
        "seed: 7",
        "seed: 7\nseed: 8",
        "seed",
        "seed: 8",
        "duplicate key (first at line",
    ),
    (
        "duplicate-nested-key",
        "  users: 10\n",
        "  users: 10\n  users: 12\n",
        "load.users",
        "users: 12",
        "duplicate key",
    ),
    (
        "unknown-journey-key",
        "mix: {balance: 3,",
        "mix: {balanc: 3,",
        "load.mix.balanc",
        "{balanc:",
        "unknown journey 'balanc' (did you mean 'balance'?)",
    ),
    (
        "unknown-invariant",
        "[money_conserved, exactly_once]",
        "[money_conserved, exactly_one]",
        "invariants[1]",
        "exactly_one",
        "unknown invariant 'exactly_one'",
    ),
    (
        "repeated-invariant",
        "[money_conserved, exactly_once]",
        "[exactly_once, exactly_once]",
        "invariants[1]",
        "invariants:",
        "listed twice",
    ),
    (
        "unknown-profile",
        "  fragile:\n",
        "  fragle:\n",
        "profiles.fragle",
        "fragle",
        "unknown profile 'fragle' (did you mean 'fragile'?)",
    ),
    (
        "unknown-knob",
        "set: {retry_attempts: 1}",
        "set: {retry_atempts: 1}",
        "profiles.fragile.set.retry_atempts",
        "retry_atempts",
        "did you mean 'retry_attempts'?",
    ),
    (
        "bad-knob-value",
        "set: {retry_attempts: 1}",
        "set: {retry_attempts: many}",
        "profiles.fragile.set.retry_attempts",
        "many",
        "'many' is not a whole number",
    ),
    (
        "undeclared-check",
        "invariant:exactly_once]",
        "invariant:no_status_flip]",
        "profiles.fragile.because[1]",
        "no_status_flip",
        "not declared by this experiment",
    ),
    (
        "fail-without-reason",
        "    because: [slo:balance:fault:availability, invariant:exactly_once]\n",
        "",
        "profiles.fragile.because",
        "  fragile:",
        "say which checks must fail",
    ),
    (
        "pass-with-reason",
        "    verdict: pass\n",
        "    verdict: pass\n    because: [abort:any]\n",
        "profiles.hardened.because",
        "because: [abort:any]",
        "takes no 'because'",
    ),
    (
        "bad-verdict",
        "verdict: pass",
        "verdict: ok",
        "profiles.hardened.verdict",
        "verdict: ok",
        "string 'ok' is not one of: pass, fail",
    ),
    (
        "remove-unknown-toxic",
        "name: latency_downstream",
        "name: latency_upstream",
        "timeline[2].name",
        "latency_upstream",
        "no toxic 'latency_upstream' added",
    ),
    ("unknown-dc", "to: dc-b", "to: dc-c", "timeline[3].to", "dc-c", "unknown data centre 'dc-c'"),
    (
        "nested-fault-with-at",
        "      link: core-replication",
        "      link: core-replication\n      at: fault",
        "timeline[3].fault_during.at",
        "      at: fault",
        "remove 'at'",
    ),
    (
        "unknown-service",
        "service: core-dc-a",
        "service: core",
        "timeline[0].service",
        "service: core",
        "unknown service 'core'",
    ),
    ("name-not-a-slug", "name: sample", "name: Sample Exp", "name", "Sample Exp", "must be a slug"),
    (
        "name-differs-from-file",
        "name: sample",
        "name: other",
        "name",
        "name: other",
        "differs from the file name",
    ),
    (
        "source-not-a-url",
        "    - https://example.org/incident",
        "    - ftp://example.org",
        "incident.sources[0]",
        "ftp://",
        "must be an http(s) URL",
    ),
    (
        "bad-date",
        "date: 2024-10-30",
        "date: yesterday",
        "incident.date",
        "yesterday",
        "expected a date",
    ),
    (
        "think-time-backwards",
        "think_time_s: [0.5, 2]",
        "think_time_s: [3, 2]",
        "load.think_time_s",
        "think_time_s",
        "0 <= min <= max",
    ),
    (
        "latency-bars-out-of-order",
        "p99_ms: 800",
        "p50_ms: 900, p99_ms: 800",
        "slo.balance.baseline.p99_ms",
        "p50_ms: 900",
        "p50_ms (900) is above p99_ms (800)",
    ),
    (
        "availability-above-100",
        "fault: {availability_pct: 95}",
        "fault: {availability_pct: 195}",
        "slo.balance.fault.availability_pct",
        "195",
        "less than or equal to 100",
    ),
    (
        "unknown-slo-phase",
        "fault: {availability_pct: 95}",
        "falt: {availability_pct: 95}",
        "slo.balance.falt",
        "falt",
        "unknown phase 'falt'",
    ),
    (
        "empty-slo-bar",
        "fault: {availability_pct: 95}",
        "fault: {}",
        "slo.balance.fault",
        "fault: {}",
        "set at least one of",
    ),
    (
        "abort-rate-above-one",
        "error_rate_above: 0.9",
        "error_rate_above: 1.5",
        "abort[0].error_rate_above",
        "1.5",
        "less than 1",
    ),
    (
        "abort-unknown-journey",
        "journey: any",
        "journey: all",
        "abort[0].journey",
        "journey: all",
        "unknown journey 'all'",
    ),
    (
        "list-expected",
        "journeys: [balance, transfer]",
        "journeys: balance",
        "recovery.journeys",
        "journeys: balance",
        "expected a list, got string 'balance'",
    ),
    (
        "mapping-expected",
        "  users: 10\n",
        "  users: {count: 10}\n",
        "load.users",
        "count",
        "valid integer, got a mapping",
    ),
    (
        "timeline-step-not-a-mapping",
        "  - at: 50s\n    action: toxic_remove\n    link: payments-clearing\n"
        "    name: latency_downstream\n",
        "  - crash\n",
        "timeline[2]",
        "- crash",
        "expected a mapping, got string 'crash'",
    ),
    (
        "flag-without-flags",
        "  - at: recovery\n    action: migrate\n    to: dc-b\n",
        "  - at: recovery\n    action: flag\n    service: payments\n    flags: {}\n"
        "  - at: recovery\n    action: migrate\n    to: dc-b\n",
        "timeline[3].flags",
        "flags: {}",
        "set at least one of error_rate",
    ),
    (
        "yaml-syntax-error",
        "users: 10",
        "users: 10: 11",
        "",
        "users: 10: 11",
        "not valid YAML: mapping values are not allowed",
    ),
    (
        "yaml-unclosed-flow",
        "seed: 7",
        "seed: [7",
        "",
        "seed: [7",
        "(while parsing a flow sequence started at line 63)",
    ),
]


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


@dataclass(frozen=True)
class BadEdit:
    """A replacement that breaks the valid sample, and where and why it must be reported."""

    old: str
    new: str
    field_path: str
    marker: str
    reason: str


@pytest.mark.parametrize(
    "edit", [BadEdit(*case[1:]) for case in BAD_EDITS], ids=[case[0] for case in BAD_EDITS]
)
def test_bad_file_names_path_line_and_reason(
    write_experiment: WriteExperiment, valid_yaml: str, edit: BadEdit
) -> None:
    """Each bad edit of a valid file is reported at its field path and line, with the reason."""
    assert edit.old in valid_yaml
    text = valid_yaml.replace(edit.old, edit.new, 1)
    with pytest.raises(ExperimentFileError) as caught:
        load_experiment(write_experiment(text))
    matching = [p for p in caught.value.problems if p.field_path == edit.field_path]
    assert matching, f"no problem at {edit.field_path!r}: {caught.value}"
    assert any(edit.reason in p.reason for p in matching), str(caught.value)
    if "started at line" not in edit.reason:  # an unclosed bracket is found where the file ends
        assert any(p.line == _line_of(text, edit.marker) for p in matching), str(caught.value)


def test_valid_file_loads(write_experiment: WriteExperiment, valid_yaml: str) -> None:
    """The sample experiment loads with nothing to report."""
    experiment, problems = check_file(write_experiment(valid_yaml))
    assert problems == []
    assert experiment is not None
    assert experiment.name == "sample"


def test_problem_formats_as_file_line_path_reason() -> None:
    """A problem prints as `file:line: path: reason`, the form editors and CI understand."""
    problem = Problem("experiments/x.yaml", "timeline[2].link", 14, "unknown link 'p'")
    assert str(problem) == "experiments/x.yaml:14: timeline[2].link: unknown link 'p'"
    assert str(Problem("x.yaml", "", None, "no such file")) == "x.yaml: no such file"


def test_error_is_a_config_error_listing_every_problem(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    """Several mistakes in one file are all reported, in line order, in one ConfigError."""
    text = valid_yaml.replace("users: 10", "users: ten").replace("to: dc-b", "to: dc-z")
    path = write_experiment(text)
    with pytest.raises(ConfigError) as caught:
        load_experiment(path)
    assert isinstance(caught.value, ExperimentFileError)
    assert caught.value.exit_code == 2
    paths = [p.field_path for p in caught.value.problems]
    assert paths == ["load.users", "timeline[3].to"]
    assert str(caught.value).splitlines()[0].startswith(f"{path}:17: load.users: ")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "file is empty"),
        ("# only a comment\n", 1, "file is empty"),
        ("- a\n- b\n", 1, "expected a mapping (key: value lines), got a list"),
        ("just text\n", 1, "got string 'just text'"),
        ("a: [\n", 2, "not valid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "a second document"),
        ("a: !!python/object:os.system {}\n", 1, "not valid YAML"),
        ("a: 1\n\tb: 2\n", 2, "not valid YAML"),
    ],
    ids=[
        "empty",
        "comment-only",
        "a-list",
        "a-scalar",
        "unclosed",
        "two-documents",
        "unsafe-tag",
        "tab-indent",
    ],
)
def test_file_that_is_not_an_experiment_mapping(
    write_experiment: WriteExperiment, text: str, line: int, reason: str
) -> None:
    """Empty files, non-mappings, YAML syntax errors and unsafe tags are reported with a line."""
    [problem] = check_file(write_experiment(text))[1]
    assert reason in problem.reason
    assert problem.line == line


def test_missing_directory_and_binary_files(tmp_path: Path) -> None:
    """A missing file, a directory and a non-UTF-8 file are problems, not tracebacks."""
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    problems = validate_files([tmp_path / "absent.yaml", tmp_path, binary])
    assert [p.reason for p in problems] == [
        "no such file",
        "is a directory, not an experiment file",
        "not UTF-8 text (byte 0)",
    ]
    assert all(p.line is None for p in problems)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    """A file far larger than any experiment is refused without parsing it."""
    huge = tmp_path / "huge.yaml"
    huge.write_text("x: " + "a" * 2_000_000, encoding="utf-8")
    [problem] = check_file(huge)[1]
    assert "larger than" in problem.reason


def test_validate_files_reports_a_name_used_twice(tmp_path: Path, valid_yaml: str) -> None:
    """Two valid files with the same experiment name are reported (the second one)."""
    first = tmp_path / "sample.yaml"
    first.write_text(valid_yaml, encoding="utf-8")
    other_dir = tmp_path / "copy"
    other_dir.mkdir()
    second = other_dir / "sample.yaml"
    second.write_text(valid_yaml, encoding="utf-8")
    [problem] = validate_files([first, second])
    assert problem.file == str(second)
    assert "also used by" in problem.reason


def test_merge_keys_are_not_duplicates(write_experiment: WriteExperiment, valid_yaml: str) -> None:
    """A YAML merge (`<<: *anchor`) overriding a key is not reported as a duplicate key."""
    text = valid_yaml.replace(
        "  baseline: {availability_pct: 99.5, p99_ms: 800}",
        "  baseline: &bar {availability_pct: 99.5, p99_ms: 800}\n"
        "    recovery: {<<: *bar, availability_pct: 99}",
    )
    experiment, problems = check_file(write_experiment(text))
    assert problems == []
    assert experiment is not None
    assert experiment.slo["balance"]["recovery"].p99_ms == 800


BILLION_LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    + "name: *i\ntimeline: [*i, *i]\ninvariants: *i\n"
)


@pytest.mark.timeout(20)
def test_alias_bomb_is_reported_without_expanding(write_experiment: WriteExperiment) -> None:
    """Nested YAML aliases (10^9 leaves if expanded) are reported, not walked leaf by leaf."""
    experiment, problems = check_file(write_experiment(BILLION_LAUGHS))
    assert experiment is None
    assert any(p.field_path == "a" and "unknown key 'a'" in p.reason for p in problems)


def test_pasted_blob_is_cut_short_in_messages(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    """A huge wrong value is quoted briefly, so one problem stays one readable line."""
    blob = "z" * 5000
    [problem] = check_file(write_experiment(valid_yaml.replace("to: dc-b", f"to: {blob}")))[1]
    assert problem.field_path == "timeline[3].to"
    assert len(problem.reason) < 200
    assert "..." in problem.reason
