"""Finds and removes the containers and networks runs left behind, by label.

Everything the Docker runtime creates carries `bank-chaos.run=<run id>` and
`bank-chaos.owner=<host>:<pid>:<start>` (the harness that owns it); `harness doctor` decides
from the owner what to remove. Without a reachable Docker engine there is nothing to find and
this says so quietly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.runtime.ownership import OWNER_LABEL, Owner

LABEL = "bank-chaos.run"


@dataclass(frozen=True)
class DockerLeftover:
    """A labelled container or network, with its run and owner."""

    kind: Literal["container", "network"]
    name: str
    run_id: str
    owner: Owner | None
    handle: Any = field(repr=False, compare=False)


def docker_client() -> Any | None:
    """A Docker SDK client when an engine answers, else None."""
    try:
        import docker

        client = docker.from_env(timeout=10)
        client.ping()
        return client
    except Exception:
        return None


def find_docker_leftovers(client: Any, run_id: str | None = None) -> list[DockerLeftover]:
    """Labelled containers, then networks (the order they must be removed in)."""
    selector = f"{LABEL}={run_id}" if run_id else LABEL
    found: list[DockerLeftover] = []
    for container in client.containers.list(all=True, filters={"label": selector}):
        labels = container.labels
        owner = Owner.parse(labels.get(OWNER_LABEL))
        found.append(DockerLeftover("container", container.name, labels[LABEL], owner, container))
    for network in client.networks.list(filters={"label": selector}):
        labels = network.attrs.get("Labels") or {}
        owner = Owner.parse(labels.get(OWNER_LABEL))
        found.append(DockerLeftover("network", network.name, labels[LABEL], owner, network))
    return found


def remove_docker(things: Sequence[DockerLeftover]) -> None:
    """Remove containers (with their volumes) and networks, in the order given."""
    for thing in things:
        if thing.kind == "container":
            thing.handle.remove(force=True, v=True)
        else:
            thing.handle.remove()


def remove_docker_leftovers(run_id: str) -> list[str]:
    """Remove everything labelled with `run_id` (a run tearing itself down); what it removed."""
    client = docker_client()
    if client is None:
        return []
    things = find_docker_leftovers(client, run_id)
    remove_docker(things)
    return [f"removed {t.kind} {t.name} (run {t.run_id})" for t in things]
