"""The fault-proxy server process: start (builtin or toxiproxy-server), attach, stop by PID."""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

import pytest

from harness.control.toxiproxy import ProxyControl
from harness.errors import ConfigError, InfraError
from harness.runtime.faultproxy_process import attach, start_fault_proxy
from harness.topology import Endpoint
from tests.control.test_toxiproxy import refuses


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8474", Endpoint("127.0.0.1", 8474)),
        ("http://localhost:9000/", Endpoint("localhost", 9000)),
        ("http://127.0.0.1", Endpoint("127.0.0.1", 8474)),
    ],
)
def test_attach_parses_urls(url: str, expected: Endpoint) -> None:
    """attach accepts http URLs with an optional port (Toxiproxy's default 8474)."""
    assert attach(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "127.0.0.1:8474",
        "https://127.0.0.1:8474",
        "http://:8474",
        "http://h:99999",
        "http://h:1/proxies",
    ],
)
def test_attach_rejects_bad_urls(url: str) -> None:
    """A URL without http scheme, host or valid port, or with a path, is a ConfigError."""
    with pytest.raises(ConfigError, match=r"--toxiproxy-url"):
        attach(url)


def test_unknown_kind_and_missing_binary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An unknown kind lists the valid ones; a missing toxiproxy-server is an InfraError."""
    with pytest.raises(ConfigError, match="valid: builtin, toxiproxy-server"):
        start_fault_proxy("chaos-monkey")  # type: ignore[arg-type]
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InfraError, match="toxiproxy-server not found on PATH"):
        start_fault_proxy("toxiproxy-server")


STUBBORN_SERVER = """#!{python}
import argparse, http.server, signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
args = argparse.ArgumentParser()
args.add_argument("-host"); args.add_argument("-port", type=int)
opts = args.parse_args()
class Version(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{{"version": "stub"}}\\n'
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
http.server.HTTPServer((opts.host, opts.port), Version).serve_forever()
"""


@pytest.mark.integration
def test_toxiproxy_kind_waits_for_version_and_kills_stubborn_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The binary kind picks a port, waits for /version, and SIGKILLs a server ignoring TERM."""
    binary = tmp_path / "toxiproxy-server"
    binary.write_text(STUBBORN_SERVER.format(python=sys.executable))
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    process = start_fault_proxy("toxiproxy-server", log_path=tmp_path / "server.log")
    try:
        assert process.api.port != 0
        assert ProxyControl(process.api).version() == "stub"
    finally:
        code = process.stop(timeout_s=0.5)
    assert code == -signal.SIGKILL and not process.alive()


@pytest.mark.integration
def test_builtin_start_reports_port_and_stop_frees_it(tmp_path: Path) -> None:
    """The builtin server reports its bound port; stop() ends it and the port closes."""
    process = start_fault_proxy("builtin", seed=3, log_path=tmp_path / "fp.log")
    try:
        assert process.alive() and process.api.port != 0
        assert ProxyControl(process.api).list() == ()
    finally:
        process.stop()
    assert not process.alive() and refuses(process.api)
