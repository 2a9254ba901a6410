"""The engine's load config: stages at the run's time scale, people URLs from the placement."""

from __future__ import annotations

from pathlib import Path

import yaml

from harness.engine.load_config import load_config
from harness.spec import load_experiment
from harness.topology import Endpoint, Placement
from tests.spec.conftest import VALID_YAML

STAGES = [{"at": "fault", "rate_per_s": 60, "shape": "ramp"}, {"at": "recovery", "rate_per_s": 5}]


def placement(*links: str) -> Placement:
    proxies = {name: Endpoint("127.0.0.1", 20000 + i) for i, name in enumerate(links)}
    return Placement(services={}, proxies=proxies, proxy_api=Endpoint("127.0.0.1", 8474))


def test_the_load_gets_scaled_stages_and_the_people_links(tmp_path: Path) -> None:
    document = yaml.safe_load(VALID_YAML)
    document["load"]["stages"] = STAGES
    path = tmp_path / "sample.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    experiment = load_experiment(path)
    schedule = experiment.schedule(time_scale=0.1)
    bank = placement("edge-mobile", "edge-status", "edge-contact")
    config = load_config(experiment, bank, schedule, seed=5)
    assert [(s.start_s, s.rate_per_s, s.shape) for s in config.stages] == [
        (2.0, 60, "ramp"),
        (8.0, 5, "step"),
    ]
    assert config.duration_s == schedule.total_s and config.seed == 5
    assert config.status_url == "http://127.0.0.1:20001"
    assert config.contact_url == "http://127.0.0.1:20002"
    older = load_config(experiment, placement("edge-mobile"), schedule, seed=5)
    assert older.status_url is None and older.contact_url is None
    assert older.edge_url == "http://127.0.0.1:20000"
