"""The loader: every kind of bad experiment file gives the right field path, line and reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.spec import ExperimentFileError, Problem, check_file, load_experiment, validate_files
from tests.spec.bad_edits import BAD_EDITS
from tests.spec.conftest import WriteExperiment


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
        "not a regular file (a directory)",
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
    """Nested YAML aliases (10^9 leaves if expanded) are refused, never walked leaf by leaf."""
    experiment, [problem] = check_file(write_experiment(BILLION_LAUGHS))
    assert experiment is None
    assert "expands to more than 100,000 values" in problem.reason


def test_pasted_blob_is_cut_short_in_messages(
    write_experiment: WriteExperiment, valid_yaml: str
) -> None:
    """A huge wrong value is quoted briefly, so one problem stays one readable line."""
    blob = "z" * 5000
    [problem] = check_file(write_experiment(valid_yaml.replace("to: dc-b", f"to: {blob}")))[1]
    assert problem.field_path == "timeline[3].to"
    assert len(problem.reason) < 200
    assert "..." in problem.reason
