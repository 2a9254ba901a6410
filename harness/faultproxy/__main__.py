"""`python -m harness.faultproxy`: run the Toxiproxy-compatible server until SIGINT/SIGTERM.

Prints `listening HOST:PORT` on stdout once the API is bound (useful with `--port 0`). Logs go
to stderr, at the level `LOG_LEVEL` names as Toxiproxy reads it (see `log_level`; an unknown
value is logged and ignored). Exit 0 on a signal, 3 when the API cannot bind.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import structlog

from harness.faultproxy import VERSION
from harness.faultproxy.log_level import LEVELS, read_log_level
from harness.faultproxy.server import FaultProxyServer, ServerOptions
from harness.flags import tcp_port
from harness.logs import configure_logging

log = structlog.get_logger()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Toxiproxy's server flags (single or double dash both work)."""
    parser = argparse.ArgumentParser(prog="python -m harness.faultproxy")
    parser.add_argument("-host", "--host", default="127.0.0.1")
    parser.add_argument("-port", "--port", type=tcp_port, default=8474)
    parser.add_argument("-config", "--config", type=Path, default=None)
    parser.add_argument("-seed", "--seed", type=int, default=None)
    parser.add_argument("-proxy-metrics", "--proxy-metrics", action="store_true")
    parser.add_argument("-runtime-metrics", "--runtime-metrics", action="store_true")
    parser.add_argument("-version", "--version", action="store_true")
    return parser.parse_args(argv)


async def run(options: ServerOptions) -> int:
    """Serve until a signal arrives."""
    server = FaultProxyServer(options)
    try:
        host, port = await server.start()
    except OSError as exc:
        print(
            f"faultproxy: cannot bind API on {options.host}:{options.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 3
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(f"listening {host}:{port}", flush=True)
    log.info("faultproxy_started", host=host, port=port, seed=server.seed)
    await stop.wait()
    await server.close()
    log.info("faultproxy_stopped")
    return 0


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    if args.version:
        print(f"toxiproxy-server version {VERSION}")
        return 0
    log_level = read_log_level(os.environ.get("LOG_LEVEL"))
    configure_logging(log_level.level, stream=sys.stderr)
    if log_level.unknown_text is not None:
        log.error(
            "unknown_log_level",
            value=log_level.unknown_text,
            using=log_level.level,
            valid=sorted(LEVELS),
        )
    options = ServerOptions(
        host=args.host,
        port=args.port,
        seed=args.seed,
        config_path=args.config,
        proxy_metrics=args.proxy_metrics,
        runtime_metrics=args.runtime_metrics,
    )
    with (
        asyncio.Runner(loop_factory=_loop_factory()) as runner,
        contextlib.suppress(KeyboardInterrupt),
    ):
        return runner.run(run(options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
