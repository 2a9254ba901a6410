"""Finds and removes the containers and networks a killed run left behind, by label.

Everything the Docker runtime creates carries `bank-chaos.run=<run id>`. Without a reachable
Docker engine there is nothing to clean and this says so quietly.
"""

from __future__ import annotations

from typing import Any

LABEL = "bank-chaos.run"


def docker_client() -> Any | None:
    """A Docker SDK client when an engine answers, else None."""
    try:
        import docker

        client = docker.from_env(timeout=10)
        client.ping()
        return client
    except Exception:
        return None


def remove_docker_leftovers(only_up: bool = False, run_id: str | None = None) -> list[str]:
    """Remove labelled containers (with their volumes) then networks; returns what it removed."""
    client = docker_client()
    if client is None:
        return []
    selector = f"{LABEL}={run_id}" if run_id else LABEL
    removed: list[str] = []
    for container in client.containers.list(all=True, filters={"label": selector}):
        owner = container.labels.get(LABEL, "")
        if only_up and not owner.startswith("up-"):
            continue
        container.remove(force=True, v=True)
        removed.append(f"removed container {container.name} (run {owner})")
    for network in client.networks.list(filters={"label": selector}):
        owner = network.attrs.get("Labels", {}).get(LABEL, "")
        if only_up and not owner.startswith("up-"):
            continue
        network.remove()
        removed.append(f"removed network {network.name} (run {owner})")
    return removed
