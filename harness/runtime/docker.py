"""The Docker runtime: every service a container on a private bridge network made for the run.

Containers and the network carry the labels `bank-chaos.run=<run id>` and
`bank-chaos.owner=<host>:<pid>:<start>`, which is how `harness doctor` finds what a killed run
left and tells it from a live run's. Only the fault proxy's API, the
edge proxies (every link the customers' load uses: the app, the status page, the contact
centre) and each service's public and admin ports are published, on 127.0.0.1; the bank's
tokens go in each container's environment, never its command line. Services reach each
other only through the fault-proxy container (network alias `faultproxy`), whose proxies
forward to the services by their network aliases. Process faults are container operations:
crash = kill, freeze = pause, restart, isolate = disconnect from the network.
"""

from __future__ import annotations

from typing import Any

import structlog

from harness.control.bank import BankAdmin
from harness.control.toxiproxy import ProxyControl
from harness.errors import InfraError
from harness.runtime.base import BankConfig
from harness.runtime.commandline import service_command, service_env
from harness.runtime.docker_cleanup import LABEL, docker_client, remove_docker_leftovers
from harness.runtime.images import IMAGES
from harness.runtime.ownership import OWNER_LABEL, this_harness, write_owner_file
from harness.runtime.ports import free_ports, http_ok, wait_until
from harness.topology import LINKS, SERVICES, Endpoint, Placement

log = structlog.get_logger()

SERVICE_PORT = 8000
ADMIN_PORT = 8001
API_PORT = 8474
FIRST_PROXY_PORT = 10000
LOOPBACK = "127.0.0.1"
LOAD = "load"
"""The client name of the links the customers' load uses (`harness.topology`)."""


class DockerRuntime:
    name = "docker"

    def __init__(self) -> None:
        self.client: Any = None
        self.network: Any = None
        self.containers: dict[str, Any] = {}
        self.planned_down: set[str] = set()
        self.placement: Placement | None = None
        self.run_id = ""
        self.owner = this_harness()

    def _labels(self) -> dict[str, str]:
        return {LABEL: self.run_id, OWNER_LABEL: self.owner.text}

    def start(self, config: BankConfig) -> Placement:
        self.client = docker_client()
        if self.client is None:
            raise InfraError(
                "--runtime docker: no Docker engine answers (start dockerd, or use --runtime local)"
            )
        for tag in IMAGES.values():
            if not self.client.images.list(name=tag):
                raise InfraError(
                    f"--runtime docker: image {tag} is missing; run `make images` first"
                )
        self.run_id = config.run_id
        self.owner = this_harness()
        write_owner_file(config.run_dir, self.owner)
        short = config.run_id[-24:].lower().replace("_", "-")
        self.network = self.client.networks.create(
            f"bankchaos-{short}", driver="bridge", labels=self._labels()
        )
        edges = [lk.name for lk in LINKS if lk.client == LOAD]
        host_ports = iter(free_ports(2 * len(SERVICES) + 1 + len(edges)))
        api = Endpoint(LOOPBACK, next(host_ports))
        published = {name: Endpoint(LOOPBACK, next(host_ports)) for name in edges}
        internal_proxies = {
            lk.name: Endpoint("faultproxy", FIRST_PROXY_PORT + i) for i, lk in enumerate(LINKS)
        }
        self._run(
            "faultproxy",
            IMAGES["faultproxy"],
            ["--host", "0.0.0.0", "--port", str(API_PORT), "--seed", str(config.seed)],
            {
                f"{API_PORT}/tcp": (LOOPBACK, api.port),
                **{
                    f"{internal_proxies[name].port}/tcp": (LOOPBACK, endpoint.port)
                    for name, endpoint in published.items()
                },
            },
            short,
        )
        wait_until(
            "fault proxy container",
            http_ok(f"{api.url}/version"),
            30,
            lambda: self.running("faultproxy"),
        )
        services = {s.name: Endpoint(LOOPBACK, next(host_ports)) for s in SERVICES}
        admin = {s.name: Endpoint(LOOPBACK, next(host_ports)) for s in SERVICES}
        self.placement = Placement(
            services=services,
            admin=admin,
            proxies={**internal_proxies, **published},
            proxy_api=api,
            internal_services={s.name: Endpoint(s.name, SERVICE_PORT) for s in SERVICES},
            internal_proxies=internal_proxies,
        )
        control = ProxyControl(api)
        for lk in LINKS:
            control.create(
                lk.name,
                f"0.0.0.0:{internal_proxies[lk.name].port}",
                self.placement.upstream(lk.name).address,
            )
        bind = Endpoint("0.0.0.0", SERVICE_PORT)
        for svc in SERVICES:
            module, args = service_command(
                svc.name, self.placement, config, "/data", bind, admin_port=ADMIN_PORT
            )
            self._run(
                svc.name,
                IMAGES["bank"],
                [module, *args],
                {
                    f"{SERVICE_PORT}/tcp": (LOOPBACK, services[svc.name].port),
                    f"{ADMIN_PORT}/tcp": (LOOPBACK, admin[svc.name].port),
                },
                short,
                environment=service_env(config),
            )
        for svc in SERVICES:
            self._wait_healthy(svc.name)
        BankAdmin(self.placement, config.admin_token, timeout_s=30).seed(config.customers)
        return self.placement

    def _run(
        self,
        name: str,
        image: str,
        command: list[str],
        ports: dict[str, tuple[str, int]],
        short: str,
        *,
        environment: dict[str, str] | None = None,
    ) -> None:
        container = self.client.containers.create(
            image,
            command=command,
            name=f"bankchaos-{short}-{name}",
            labels=self._labels(),
            ports=ports,
            environment=environment or {},
            network=self.network.name,
            detach=True,
        )
        self.network.disconnect(container)
        self.network.connect(container, aliases=[name])
        container.start()
        self.containers[name] = container

    def _wait_healthy(self, name: str, timeout_s: float = 60.0) -> None:
        assert self.placement is not None
        url = f"{self.placement.services[name].url}/health/live"
        wait_until(f"container {name}", http_ok(url), timeout_s, lambda: self.running(name))

    def _container(self, service: str) -> Any:
        if service not in self.containers:
            raise InfraError(f"no container for {service!r}; running: {', '.join(self.containers)}")
        return self.containers[service]

    def running(self, service: str) -> bool:
        """Whether the service's container runs (or is paused); False once it was removed."""
        from docker.errors import NotFound

        container = self._container(service)
        try:
            container.reload()
        except NotFound:  # `harness down` or `harness doctor` removed it
            return False
        return bool(container.status in ("running", "paused"))

    def container_ids(self) -> tuple[str, ...]:
        return tuple(str(c.id) for c in self.containers.values())

    def unplanned_exits(self) -> list[str]:
        return [
            f"container {name} stopped outside the plan"
            for name in self.containers
            if name not in self.planned_down and not self.running(name)
        ]

    def crash(self, service: str) -> None:
        self.planned_down.add(service)
        container = self._container(service)
        container.reload()
        if container.status == "paused":
            container.unpause()
        container.kill()

    def freeze(self, service: str) -> None:
        self._container(service).pause()

    def thaw(self, service: str) -> None:
        container = self._container(service)
        container.reload()
        if container.status == "paused":
            container.unpause()

    def restart(self, service: str) -> None:
        self.planned_down.discard(service)
        self.thaw(service)
        self._container(service).restart(timeout=2)
        self._wait_healthy(service)

    def start_frozen(self, service: str) -> None:
        self.planned_down.discard(service)
        container = self._container(service)
        container.start()
        container.pause()

    def wait_ready(self, service: str) -> None:
        self._wait_healthy(service)

    def isolate(self, service: str) -> None:
        self.network.disconnect(self._container(service), force=True)

    def reconnect(self, service: str) -> None:
        container = self._container(service)
        container.reload()
        if self.network.name not in container.attrs["NetworkSettings"]["Networks"]:
            self.network.connect(container, aliases=[service])

    def stop(self) -> list[str]:
        """Remove every container (with its volumes) and the network; never raises."""
        if self.client is None or not self.run_id:
            return []
        try:
            remove_docker_leftovers(run_id=self.run_id)
        except Exception as exc:
            return [f"docker cleanup: {exc}"]
        leftover = self.client.containers.list(
            all=True, filters={"label": f"{LABEL}={self.run_id}"}
        )
        return [f"container {c.name} still there" for c in leftover]
