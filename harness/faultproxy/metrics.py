"""Prometheus text exposition for `/metrics`: Toxiproxy's proxy byte counters and the
process's own runtime figures.

Proxy counters grow when a connection finishes, as in Toxiproxy. This module must not read
sockets or touch proxies; it only accumulates what it is told.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from collections import defaultdict

from harness.faultproxy.proxy import LinkTraffic

LabelKey = tuple[str, str, str, str]


class ProxyMetrics:
    """Received and sent byte totals by (direction, listener, proxy, upstream)."""

    def __init__(self) -> None:
        self.received: defaultdict[LabelKey, int] = defaultdict(int)
        self.sent: defaultdict[LabelKey, int] = defaultdict(int)

    def record(self, traffic: LinkTraffic) -> None:
        """Add one finished connection's bytes."""
        key = (traffic.direction, traffic.listener, traffic.proxy, traffic.upstream)
        self.received[key] += traffic.received_bytes
        self.sent[key] += traffic.sent_bytes

    def render(self) -> list[str]:
        """The counter families, as exposition lines."""
        lines: list[str] = []
        for name, values, help_text in (
            ("toxiproxy_proxy_received_bytes_total", self.received, "Bytes read from sources"),
            ("toxiproxy_proxy_sent_bytes_total", self.sent, "Bytes written to destinations"),
        ):
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
            for (direction, listener, proxy, upstream), value in sorted(values.items()):
                labels = (
                    f'direction="{_escape(direction)}",listener="{_escape(listener)}",'
                    f'proxy="{_escape(proxy)}",upstream="{_escape(upstream)}"'
                )
                lines.append(f"{name}{{{labels}}} {value}")
        return lines


def runtime_lines(started_at_s: float) -> list[str]:
    """Process figures in the standard `process_*` names plus a `python_info` gauge."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    version = platform.python_version()
    info = sys.implementation.name
    return [
        "# TYPE process_cpu_seconds_total counter",
        f"process_cpu_seconds_total {usage.ru_utime + usage.ru_stime:.6f}",
        "# TYPE process_max_resident_memory_bytes gauge",
        f"process_max_resident_memory_bytes {usage.ru_maxrss * 1024}",
        "# TYPE process_open_fds gauge",
        f"process_open_fds {fds}",
        "# TYPE process_start_time_seconds gauge",
        f"process_start_time_seconds {started_at_s:.3f}",
        "# TYPE python_info gauge",
        f'python_info{{implementation="{info}",version="{version}"}} 1',
        "# TYPE toxiproxy_uptime_seconds gauge",
        f"toxiproxy_uptime_seconds {time.time() - started_at_s:.3f}",
    ]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
