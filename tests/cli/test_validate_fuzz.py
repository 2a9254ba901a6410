"""`harness validate` on mutated copies of the real experiments: exit 0, or exit 2 and problems.

Each of the repository's `experiments/*.yaml` is mutated many times with a seeded generator
(numbers made huge, negative, infinite, NaN, full-width, 1e309; durations of 200 hours; keys
deleted or duplicated; values of the wrong type; the text cut short; anchors and aliases,
alias bombs and deep nesting inserted) and checked through the CLI entry point in-process,
and a handful through a real `python -m harness validate FILE` with a timeout. Every outcome
must be exit 0, or exit 2 with one line per problem, each naming the file, and no traceback.
Whatever passes must hold only numbers inside the ranges of `harness.limits` (docs table).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness import limits
from harness.cli.main import main
from harness.spec import load_experiment

REPO = Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted((REPO / "experiments").glob("*.yaml"))
VARIANTS_PER_FILE = 150
SEED = 20261202

NUMBER = re.compile(r"(?<=[:\[,{ ])-?[0-9]+(?:\.[0-9]+)?(?=[ ,}\]\n])")
DURATION = re.compile(r"\b[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h)\b")
VALUE = re.compile(r"(?<=: )[^\n]+")
ODD_NUMBERS = [
    *("9" * 30, "-5", "-0.5", ".inf", "-.inf", ".nan", "\uff11\uff10", "1e309", "1.0e+309"),
    *("9223372036854775808", "0", "1" * 5000, "0x7fffffffffffffff", "1_000"),
]
ODD_DURATIONS = ["200h", "\uff11\uff10s", "1" * 400 + "s", "-5s", "0s", "1e309s", "25h", "0.0001ms"]
ODD_VALUES = [
    "[]",
    "{}",
    "null",
    "true",
    "'text'",
    "[1, 2]",
    "{a: 1}",
    "2024-13-45",
    "!!binary AA==",
]
BOMB = "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"x-{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)

pytestmark = [pytest.mark.usefixtures("logging_as_before"), pytest.mark.timeout(300)]


def _replace_match(text: str, pattern: re.Pattern[str], new: str, rng: random.Random) -> str:
    found = list(pattern.finditer(text))
    if not found:
        return text
    match = rng.choice(found)
    return text[: match.start()] + new + text[match.end() :]


def _alias(text: str, rng: random.Random) -> str:
    anchored = _replace_match(text, VALUE, "&v " + rng.choice(VALUE.findall(text)), rng)
    return _replace_match(anchored, VALUE, rng.choice(["*v", "*v", "*missing"]), rng)


def _nest(text: str, rng: random.Random) -> str:
    depth = rng.choice([5, 40, 200, 2000])
    return _replace_match(text, VALUE, "[" * depth + "1" + "]" * depth, rng)


def _lines(text: str, rng: random.Random, keep: int) -> str:
    """The text with one line deleted (keep=0) or written twice (keep=2)."""
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines))
    return "".join(lines[:at] + [lines[at]] * keep + lines[at + 1 :])


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "number": lambda t, r: _replace_match(t, NUMBER, r.choice(ODD_NUMBERS), r),
    "duration": lambda t, r: _replace_match(t, DURATION, r.choice(ODD_DURATIONS), r),
    "delete": lambda t, r: _lines(t, r, keep=0),
    "duplicate": lambda t, r: _lines(t, r, keep=2),
    "retype": lambda t, r: _replace_match(t, VALUE, r.choice(ODD_VALUES), r),
    "truncate": lambda t, r: t[: r.randrange(len(t))],
    "alias": _alias,
    "bomb": lambda t, r: BOMB + _replace_match(t, VALUE, r.choice(["*i", "*h", "[*i, *i]"]), r),
    "nest": _nest,
}


def variants() -> Iterator[tuple[str, str]]:
    """(file name, mutated text), the same on every run (seeded)."""
    rng = random.Random(SEED)
    for path in EXPERIMENTS:
        original = path.read_text(encoding="utf-8")
        for _ in range(VARIANTS_PER_FILE):
            text = original
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                text = MUTATIONS[rng.choice(sorted(MUTATIONS))](text, rng)
            yield path.name, text


def _check_output(code: int, out: str, err: str, path: Path) -> None:
    assert "Traceback" not in out + err, out + err
    assert code in (0, 2), (code, out, err)
    if code == 0:
        assert (out, err) == ("1 experiment file(s) valid\n", "")
        assert_in_documented_ranges(path)
        return
    lines = out.splitlines()
    assert lines and err == "", (out, err)
    problem = re.compile(rf"^{re.escape(str(path))}(:[0-9]+)?: \S.*$")
    assert all(problem.match(line) for line in lines), out


def _pattern(field: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(field).replace(r"\*", r"[^.\[]+") + "$")


FIELD_PATTERNS = [(_pattern(field), accepted) for field, accepted in limits.FIELDS.items()]


def _numbers(node: object, path: str) -> Iterator[tuple[str, float, object]]:
    """(path with `[]` for items, number, the mapping holding it) for every number."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                yield f"{path}.{key}".lstrip("."), value, node
            else:
                yield from _numbers(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _numbers(item, f"{path}[]")


def assert_in_documented_ranges(path: Path) -> None:
    """Every number of the valid experiment lies in its documented range; times fit the run."""
    experiment = load_experiment(path)
    data = experiment.model_dump(warnings=False)
    for written, value, holder in _numbers(data, ""):
        field = written.replace(".fault_during", "")
        if field.startswith(("profiles.", "timeline[].at.", "load.stages[].at.")):
            continue  # knobs: the profile's own parser; `at`: within the run (below, and the
            # stages' own rule: each starts inside the run, in order)
        if field.startswith("timeline[].toxic.attributes."):
            kind = next(s["toxic"]["type"] for s in data["timeline"] if s.get("toxic")
                        and holder is s["toxic"]["attributes"])  # fmt: skip
            accepted = limits.TOXIC_ATTRIBUTES[kind][field.rsplit(".", 1)[1]]
        else:
            matching = [r for pattern, r in FIELD_PATTERNS if pattern.match(field)]
            assert matching, f"number field {field} has no documented range"
            accepted = matching[0]
        assert value in accepted, (field, value, str(accepted))
    schedule = experiment.schedule()
    total_s = sum(experiment.phases.lengths_s)
    assert total_s in limits.RUN_S
    assert all(0 <= step.offset_s <= total_s for step in schedule.actions)


def test_mutated_experiments_validate_or_give_one_line_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = {0: 0, 2: 0}
    for index, (name, text) in enumerate(variants()):
        folder = tmp_path / str(index)
        folder.mkdir()
        path = folder / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(SystemExit) as exited:
            main(["validate", str(path)])
        captured = capsys.readouterr()
        code = exited.value.code
        assert isinstance(code, int)
        _check_output(code, captured.out, captured.err, path)
        codes[code] += 1
    assert codes[0] > 10 and codes[2] > 100, codes  # both outcomes are exercised


def test_a_handful_of_mutants_in_a_real_process(tmp_path: Path) -> None:
    """The same contract through `python -m harness validate FILE`, each bounded by a timeout."""
    chosen = random.Random(SEED + 1).sample(list(variants()), 6)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for index, (name, text) in enumerate(chosen):
        folder = tmp_path / str(index)
        folder.mkdir()
        path = folder / name
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "harness", "validate", str(path)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=15, check=False,
        )  # fmt: skip
        _check_output(done.returncode, done.stdout, done.stderr, path)
