"""Reads what a report needs from a stored run folder, and finds the runs it is compared with.

A run folder holds `run.json` (engine), `result.json` (analysis), `load.jsonl` (samples), the
experiment file's copy, `exports/`, `logs/` and `junit.xml`. Comparisons look only at sibling
folders of the same runs folder: the latest run of the same experiment with the other profile
(hardened vs fragile), and the latest earlier run with the same profile. This module reads
files; it renders nothing and never writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.history.samples import Sample, read_samples

OTHER_PROFILE = {"hardened": "fragile", "fragile": "hardened"}


@dataclass(frozen=True)
class RunFolder:
    """One run as stored: its documents, its samples and where its artefacts are."""

    path: Path
    run: dict[str, Any]
    result: dict[str, Any]
    samples: tuple[Sample, ...]

    @property
    def run_id(self) -> str:
        return str(self.result.get("run_id") or self.run.get("run_id") or self.path.name)

    @property
    def experiment(self) -> str:
        return str(self.result.get("experiment", {}).get("name") or self.run.get("experiment"))

    @property
    def profile(self) -> str:
        return str(self.result.get("profile") or self.run.get("profile"))

    @property
    def t0_s(self) -> float | None:
        t0 = self.run.get("t0")
        return float(t0) if t0 is not None else None

    def experiment_file(self) -> Path | None:
        """The copy of the experiment YAML the run used, if the folder holds one."""
        for name in (f"{self.experiment}.yaml", "experiment.yaml"):
            if (self.path / name).is_file():
                return self.path / name
        return None

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


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read it as JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: expected a JSON object, found {type(document).__name__}")
    return document


def read_run_folder(run_dir: Path, *, with_samples: bool = True) -> RunFolder:
    """The run stored in run_dir; ConfigError when run.json or result.json is missing."""
    if not (run_dir / "result.json").is_file():
        raise ConfigError(f"{run_dir}: no result.json; analyse the run first (harness report)")
    run = _read_json(run_dir / "run.json") if (run_dir / "run.json").is_file() else {}
    load = run_dir / "load.jsonl"
    samples = tuple(read_samples(load)) if with_samples and load.is_file() else ()
    return RunFolder(run_dir, run, _read_json(run_dir / "result.json"), samples)


def _results_beside(run_dir: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """(run id, folder, result) of every analysed sibling run, oldest first."""
    found = []
    for folder in sorted(run_dir.parent.iterdir()):
        if folder == run_dir or not (folder / "result.json").is_file():
            continue
        try:
            result = _read_json(folder / "result.json")
        except ConfigError:
            continue
        found.append((str(result.get("run_id", folder.name)), folder, result))
    return sorted(found, key=lambda item: (str(item[2].get("started_at") or ""), item[0]))


def counterpart(run: RunFolder) -> RunFolder | None:
    """The latest run of the same experiment with the other profile, if one is stored."""
    other = OTHER_PROFILE.get(run.profile)
    matches = [
        folder
        for _, folder, result in _results_beside(run.path)
        if result.get("experiment", {}).get("name") == run.experiment
        and result.get("profile") == other
    ]
    return read_run_folder(matches[-1]) if matches else None


def previous(run: RunFolder) -> RunFolder | None:
    """The latest run of the same experiment and profile that started before this one."""
    started = str(run.result.get("started_at") or "")
    matches = [
        folder
        for _, folder, result in _results_beside(run.path)
        if result.get("experiment", {}).get("name") == run.experiment
        and result.get("profile") == run.profile
        and str(result.get("started_at") or "") < started
    ]
    return read_run_folder(matches[-1]) if matches else None
