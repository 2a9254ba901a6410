"""Reads a stored run's result for a report, and finds the runs it is compared with.

A run folder holds `result.json` (the analysis's `RunResult`, which carries the run record),
the experiment file's copy, `load.jsonl`, `exports/`, `logs/`, `run.json` and `junit.xml`.
The report reads only the result and lists the rest as links. Comparisons look only at
sibling folders of the same runs folder: the latest run of the same experiment with the other
profile (hardened vs fragile), and the latest earlier run with the same profile; a sibling
written by another schema version is passed over. This module reads files; it renders nothing
and never writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.analysis.result import RESULT_SCHEMA, RunResult, read_result
from harness.errors import ConfigError

OTHER_PROFILE = {"hardened": "fragile", "fragile": "hardened"}


@dataclass(frozen=True)
class RunFolder:
    """One run as stored: its result and where its artefacts are."""

    path: Path
    result: RunResult

    @property
    def run_id(self) -> str:
        return self.result.run_id

    @property
    def experiment(self) -> str:
        return self.result.experiment.name

    @property
    def profile(self) -> str:
        return self.result.profile

    def experiment_file(self) -> Path | None:
        """The copy of the experiment YAML the run used, if the folder holds one."""
        path = self.path / f"{self.experiment}.yaml"
        return path if path.is_file() else None

    def artefacts(self) -> list[str]:
        """Relative paths of the files a reader may open: logs, exports, results."""
        found = [
            name
            for name in ("result.json", "junit.xml", "run.json", "load.jsonl")
            if (self.path / name).is_file()
        ]
        yaml = self.experiment_file()
        if yaml is not None:
            found.append(yaml.name)
        for folder in ("logs", "exports"):
            if (self.path / folder).is_dir():
                found += sorted(
                    f"{folder}/{p.name}" for p in (self.path / folder).iterdir() if p.is_file()
                )
        return found


def read_run_folder(run_dir: Path) -> RunFolder:
    """The run stored in run_dir; ConfigError when result.json is missing, old or broken."""
    if not (run_dir / "result.json").is_file():
        raise ConfigError(f"{run_dir}: no result.json; analyse the run first (harness report)")
    return RunFolder(run_dir, read_result(run_dir))


@dataclass(frozen=True)
class _Sibling:
    folder: Path
    experiment: str
    profile: str
    started_at: str


def _siblings(run_dir: Path) -> list[_Sibling]:
    """Every analysed sibling run of the current schema, oldest first (read shallowly)."""
    found = []
    for folder in sorted(run_dir.parent.iterdir()):
        try:
            document = json.loads((folder / "result.json").read_text(encoding="utf-8"))
            record = document["record"]
            if folder == run_dir or document.get("schema") != RESULT_SCHEMA:
                continue
            found.append(
                _Sibling(
                    folder,
                    str(record["experiment"]),
                    str(record["profile"]),
                    str(record["started_at"]),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda s: (s.started_at, s.folder.name))


def _latest(matches: list[_Sibling]) -> RunFolder | None:
    for sibling in reversed(matches):
        try:
            return read_run_folder(sibling.folder)
        except ConfigError:
            continue
    return None


def counterpart(run: RunFolder) -> RunFolder | None:
    """The latest run of the same experiment with the other profile, if one is stored."""
    other = OTHER_PROFILE.get(run.profile)
    return _latest(
        [s for s in _siblings(run.path) if s.experiment == run.experiment and s.profile == other]
    )


def previous(run: RunFolder) -> RunFolder | None:
    """The latest run of the same experiment and profile that started before this one."""
    started = run.result.record.started_at
    return _latest(
        [
            s
            for s in _siblings(run.path)
            if s.experiment == run.experiment
            and s.profile == run.profile
            and s.started_at < started
        ]
    )
