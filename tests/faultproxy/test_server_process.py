"""`python -m harness.faultproxy` as a process: the listening line, --version, --config,
LOG_LEVEL (differentially: every level Toxiproxy takes starts both servers), and a clean
exit 0 on SIGTERM and SIGINT."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request

import pytest

from tests.faultproxy.servers import KINDS, REFERENCE, ServerProcess, reference_missing_reason

pytestmark = pytest.mark.integration


def _launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness.faultproxy", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def launch():
    """Start server processes; each is terminated and reaped afterwards."""
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        process = _launch(*args)
        processes.append(process)
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("listening 127.0.0.1:"), line
        return process, line.split(" ", 1)[1]

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_cleanly(launch, signum):
    """The server prints its address, serves, and exits 0 on the signal."""
    process, address = launch("--seed", "3")
    with urllib.request.urlopen(f"http://{address}/version", timeout=5) as response:
        assert response.read() == b'{"version": "2.12.0"}\n'
    process.send_signal(signum)
    assert process.wait(timeout=10) == 0


def test_version_flag():
    """--version prints Toxiproxy's version line and exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "harness.faultproxy", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "toxiproxy-server version 2.12.0\n")


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_a_port_out_of_range_is_refused_not_wrapped(port):
    """--port 99999 once bound port 34463 (99999 mod 65536); now it is bad input, exit 2."""
    result = subprocess.run(
        [sys.executable, "-m", "harness.faultproxy", f"--port={port}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2, result.stdout
    assert f"{port} is not a TCP port" in result.stderr.splitlines()[-1]


def test_config_file_is_populated(launch, tmp_path):
    """--config loads proxies at startup through the populate logic."""
    config = tmp_path / "proxies.json"
    config.write_text(
        json.dumps([{"name": "core", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:1"}])
    )
    process, address = launch("--config", str(config))
    with urllib.request.urlopen(f"http://{address}/proxies", timeout=5) as response:
        assert list(json.loads(response.read())) == ["core"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


@pytest.mark.parametrize(
    "level", ["trace", "TRACE", "Debug", "warn", "panic", "fatal", "bogus", ""]
)
@pytest.mark.parametrize("kind", KINDS)
def test_every_log_level_starts_and_serves(tmp_path, kind, level):
    """Every LOG_LEVEL Toxiproxy takes (any case), and unknown ones, start a server that
    serves and stops on SIGTERM (ours died of a KeyError on trace, panic and unknown ones)."""
    if kind == REFERENCE and (missing := reference_missing_reason()) is not None:
        pytest.skip(missing)
    server = ServerProcess(kind, (), tmp_path / "server.log", {"LOG_LEVEL": level})
    try:
        server.start()
        assert server.get("/proxies") == (200, b"{}")
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("level", "shown", "hidden"),
    [
        ("trace", "faultproxy_started", ""),
        ("panic", "", "faultproxy_started"),
        ("bogus", "unknown_log_level", ""),
    ],
)
def test_log_level_filters_our_logs(launch, monkeypatch, level, shown, hidden):
    """trace logs at debug, panic only criticals; an unknown level is reported and info kept."""
    monkeypatch.setenv("LOG_LEVEL", level)
    process, _ = launch()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None
    logs = process.stderr.read()
    assert shown in logs
    assert not hidden or hidden not in logs
    if level == "bogus":
        assert '"value": "bogus"' in logs and '"using": "info"' in logs
