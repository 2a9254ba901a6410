"""Read experiment files: from a path to a validated `Experiment`, or to a list of problems.

Every kind of bad input (missing or unreadable file, not a regular file or over 1 MiB (see
`files.py`), not YAML, an alias bomb, empty, not a mapping, duplicate keys, wrong types, unknown
keys or names, numbers outside `harness.limits`, bad durations or marks, times outside the
run) comes back as `Problem`s naming the file, the field path and the line; `load_experiment`
raises them in one `ExperimentFileError` (a `ConfigError`). No other exception escapes for
bad input. This module must not run an experiment or touch anything but the files it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from harness.errors import ConfigError
from harness.spec.files import FileRefusedError, read_bounded
from harness.spec.model import Experiment
from harness.spec.problems import Problem, format_path, problems_from_validation
from harness.spec.source import Source, SourceRefusedError, parse_source


class ExperimentFileError(ConfigError):
    """An experiment file is not valid; `problems` lists every problem found, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def _read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    try:
        data = read_bounded(path)
    except FileRefusedError as exc:
        return None, [Problem(name, "", None, str(exc))]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", None, f"not UTF-8 text (byte {exc.start})")]


def _parse(text: str, name: str) -> tuple[Source | None, list[Problem]]:
    try:
        source = parse_source(text)
    except SourceRefusedError as exc:
        return None, [Problem(name, "", exc.line, exc.reason)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = str(exc.problem or exc.context)
        if "single document" in str(exc.context):
            detail = "a second document ('---'); an experiment file holds one"
        elif exc.context and exc.problem and exc.context_mark is not None:
            detail += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        return None, [Problem(name, "", line, f"not valid YAML: {' '.join(detail.split())}")]
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        reason = f"character {exc.character!r} is not allowed in YAML"
        return None, [Problem(name, "", line, f"not valid YAML: {reason}")]
    except (yaml.YAMLError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        return None, [Problem(name, "", None, f"not valid YAML: {' '.join(reason.split())}")]
    problems = [
        Problem(name, format_path(d.path), d.line, f"duplicate key (first at line {d.first_line})")
        for d in source.duplicates
    ]
    return source, problems


def _validate(source: Source, name: str, stem: str) -> tuple[Experiment | None, list[Problem]]:
    if source.data is None:
        return None, [Problem(name, "", 1, "file is empty; an experiment is a YAML mapping")]
    try:
        experiment = Experiment.model_validate(source.data)
    except ValidationError as exc:
        return None, problems_from_validation(name, source, exc)
    if experiment.name != stem:
        reason = f"{experiment.name!r} differs from the file name; rename one to match {stem!r}"
        return None, [Problem(name, "name", source.line_of(("name",)), reason)]
    return experiment, []


def check_file(path: str | Path) -> tuple[Experiment | None, list[Problem]]:
    """The experiment in `path` if it is valid, and every problem found otherwise."""
    file = Path(path)
    name = str(path)
    text, problems = _read_text(file, name)
    if text is None:
        return None, problems
    source, problems = _parse(text, name)
    if source is None:
        return None, problems
    experiment, invalid = _validate(source, name, file.stem)
    problems = sorted([*problems, *invalid], key=lambda p: p.line or 0)
    return (experiment if not problems else None), problems


def load_experiment(path: str | Path) -> Experiment:
    """The experiment in `path`; any problem raises `ExperimentFileError` listing them all."""
    experiment, problems = check_file(path)
    if experiment is None:
        raise ExperimentFileError(problems)
    return experiment


def validate_files(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem in every file (empty when all are valid), plus names used twice."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for path in paths:
        experiment, found = check_file(path)
        problems.extend(found)
        if experiment is None:
            continue
        if experiment.name in owners:
            reason = f"name {experiment.name!r} is also used by {owners[experiment.name]}"
            problems.append(Problem(str(path), "name", None, reason))
        owners.setdefault(experiment.name, str(path))
    return problems
