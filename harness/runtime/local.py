"""The local runtime: the fault proxy and every bank service as processes on 127.0.0.1.

Start order: fault proxy -> one proxy per link (listen on a free port, upstream = the service
behind the link) -> services (each told to dial the proxies, never each other) -> health ->
seed. `stop` heals every proxy, then stops every process it started; it never raises.
"""

from __future__ import annotations

from pathlib import Path

import structlog

from harness.control.bank import BankAdmin
from harness.control.toxiproxy import ProxyControl
from harness.errors import InfraError
from harness.interrupts import shielded
from harness.runtime.base import BankConfig
from harness.runtime.commandline import service_command, service_env
from harness.runtime.faultproxy_process import FaultProxyProcess, attach, start_fault_proxy
from harness.runtime.launcher import RUN_MARKER
from harness.runtime.ownership import (
    forget_borrowed_proxies,
    record_borrowed_proxy,
    this_harness,
    write_owner_file,
)
from harness.runtime.ports import free_ports, http_ok, wait_until
from harness.runtime.processes import ProcessGroup, python_module
from harness.topology import LINKS, SERVICES, Endpoint, Placement

log = structlog.get_logger()

HOST = "127.0.0.1"


class LocalRuntime:
    """Every service a process on loopback; process faults are signals."""

    name = "local"

    def __init__(self) -> None:
        self.group: ProcessGroup | None = None
        self.control: ProxyControl | None = None
        self.placement: Placement | None = None
        self._external_proxy = False
        self.fault_proxy: FaultProxyProcess | None = None
        self.config: BankConfig | None = None

    def start(self, config: BankConfig) -> Placement:
        self.config = config
        write_owner_file(config.run_dir, this_harness())
        self.group = ProcessGroup(config.run_id, env={**config.extra_env, **service_env(config)})
        logs, state = config.run_dir / "logs", config.run_dir / "state"
        state.mkdir(parents=True, exist_ok=True)
        api = self._start_fault_proxy(config, logs)
        self.control = ProxyControl(api)
        ports = iter(free_ports(2 * len(SERVICES)))
        services = {s.name: Endpoint(HOST, next(ports)) for s in SERVICES}
        admin = {s.name: Endpoint(HOST, next(ports)) for s in SERVICES}
        planned = Placement(services, {}, api)
        if config.bypass_proxies:
            proxies = {lk.name: planned.upstream(lk.name) for lk in LINKS}
        else:
            proxies = {lk.name: self._create_proxy(lk.name, planned) for lk in LINKS}
        self.placement = Placement(services, proxies, api, admin=admin)
        for svc in SERVICES:
            bind, admin_port = services[svc.name], admin[svc.name].port
            module, args = service_command(
                svc.name, self.placement, config, str(state), bind, admin_port=admin_port
            )
            self.group.start(svc.name, python_module(module, *args), logs / f"{svc.name}.log")
        for svc in SERVICES:
            self._wait_healthy(svc.name)
        BankAdmin(self.placement, config.admin_token, timeout_s=30).seed(config.customers)
        return self.placement

    def _start_fault_proxy(self, config: BankConfig, logs: Path) -> Endpoint:
        if config.toxiproxy_url:
            self._external_proxy = True
            return attach(config.toxiproxy_url)
        with shielded():  # an interrupt must not lose track of the server being started
            self.fault_proxy = start_fault_proxy(
                config.proxy_server, HOST, 0, config.seed, logs / "faultproxy.log",
                env={RUN_MARKER: config.run_id},
            )  # fmt: skip
        return self.fault_proxy.api

    def _create_proxy(self, name: str, planned: Placement) -> Endpoint:
        assert self.control is not None and self.config is not None
        if self._external_proxy and any(p.name == name for p in self.control.list()):
            self.control.delete(name)
        with shielded():  # the record must not miss a proxy the server has made
            info = self.control.create(name, f"{HOST}:0", planned.upstream(name).address)
            if self._external_proxy and self.config.toxiproxy_url:
                record_borrowed_proxy(
                    self.config.run_dir, self.config.toxiproxy_url, name, info.listen
                )
        return info.listen_endpoint

    def _wait_healthy(self, name: str, timeout_s: float = 30.0) -> None:
        assert self.group is not None and self.placement is not None
        child = self.group.get(name)
        url = f"{self.placement.services[name].url}/health/live"
        wait_until(f"service {name}", http_ok(url), timeout_s, child.alive)

    # -- process faults -------------------------------------------------------------------
    def _group(self) -> ProcessGroup:
        if self.group is None:
            raise InfraError("the local runtime is not started")
        return self.group

    def running(self, service: str) -> bool:
        return self._group().get(service).alive()

    def container_ids(self) -> tuple[str, ...]:
        return ()

    def unplanned_exits(self) -> list[str]:
        exits = self._group().unplanned_exits()
        if self.fault_proxy is not None and not self.fault_proxy.alive():
            exits.append("the fault proxy exited outside the plan")
        return exits

    def crash(self, service: str) -> None:
        self._group().kill(service)

    def freeze(self, service: str) -> None:
        self._group().freeze(service)

    def thaw(self, service: str) -> None:
        self._group().thaw(service)

    def restart(self, service: str) -> None:
        self._group().restart(service)
        self._wait_healthy(service)

    def start_frozen(self, service: str) -> None:
        group = self._group()
        group.restart(service)
        group.freeze(service)

    def wait_ready(self, service: str) -> None:
        self._wait_healthy(service)

    def isolate(self, service: str) -> None:
        self._set_links(service, enabled=False)

    def reconnect(self, service: str) -> None:
        self._set_links(service, enabled=True)

    def _set_links(self, service: str, *, enabled: bool) -> None:
        assert self.control is not None and self.placement is not None
        for name in link_names_touching(service, self.placement):
            self.control.set_enabled(name, enabled)

    def stop(self) -> list[str]:
        """Heal the proxies and stop every process; returns what could not be cleaned."""
        problems: list[str] = []
        if self.control is not None:
            try:
                problems += self.control.heal()
                if self._external_proxy and self.config is not None:
                    for lk in LINKS:
                        self.control.delete(lk.name)
                    forget_borrowed_proxies(self.config.run_dir)
            except Exception as exc:
                problems.append(f"fault proxy: {exc}")
        if self.fault_proxy is not None:
            self.fault_proxy.stop()
        if self.group is not None:
            problems += [f"process {name} would not stop" for name in self.group.stop_all()]
        return problems


def link_names_touching(service: str, placement: Placement) -> list[str]:
    """Links whose client or server is `service` (what isolating it cuts)."""
    return [lk.name for lk in LINKS if service in (lk.client, placement.server_of(lk.name))]
