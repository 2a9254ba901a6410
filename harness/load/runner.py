"""The load child process: Locust as a library, streaming one JSON line per request.

    python -m harness.load.runner --edge-url URL --out PATH --rate R --users U --duration-s S \
        [--mix balance=45,transfer=20,...] [--customers N] [--client-timeout-s T] [--seed N] \
        [--max-users CAP]

gevent monkey-patches this process before anything else is imported (Locust needs it, and
patching after ssl/socket users are loaded is unsafe); the harness parent never imports this
module or locust. Once its `--users` customers are spawned it starts the run's clock (the first
request falls due then) and writes `load.ready.json` (`harness.load.files`). The pool grows by
half whenever a due request finds no free customer, up to `--max-users`; only past that cap does
a request go unserved. Samples are flushed every 0.2 s. At --duration-s no new intent starts
(those already past their start deadline are recorded unserved), customers finish what they
started (bounded by two client timeouts, one retry), then the process exits 0. SIGTERM/SIGINT
stop at once: writes still in flight are recorded as unknown ("load_stopped"), the file is
flushed, exit 0. Either way `load.summary.json` says how far the pool grew and whether the
generator fell short. Bad flags: one line on stderr, exit 2.
"""

from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import IO  # noqa: E402

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import structlog  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.runners import LocalRunner  # noqa: E402

from harness import seeds  # noqa: E402
from harness.errors import ConfigError, HarnessError, LoadError  # noqa: E402
from harness.load.calling import CallingModel  # noqa: E402
from harness.load.config import LoadConfig, parse_runner_args  # noqa: E402
from harness.load.crowd import LoadContext  # noqa: E402
from harness.load.files import plan_path, ready_path, summary_path  # noqa: E402
from harness.load.journeys import customer_class  # noqa: E402
from harness.load.pacing import ArrivalSchedule, Dispatcher, RunClock  # noqa: E402
from harness.load.plan import plan_document  # noqa: E402
from harness.load.sink import SampleSink  # noqa: E402
from harness.logs import configure_logging  # noqa: E402

FLUSH_PERIOD_S = 0.2
SPAWN_PER_S = 1000.0
GROW_AFTER_S = 0.25
"""How long the next request may wait for a free customer before the pool grows (a quarter
of the default start lag after which it would go unserved)."""
WARM_UP_S = 30.0
"""At most this long for the first customers to log in before the run's clock starts."""

log = structlog.get_logger()


def build_context(config: LoadConfig, stream: IO[str]) -> LoadContext:
    """A run's shared state: seeded schedule, dispatcher, sink and clock (started now)."""
    schedule = ArrivalSchedule(
        config.rate_per_s,
        config.mix,
        seeds.stream(config.seed, "load:arrivals"),
        arrivals=config.arrivals,
        end_s=config.duration_s,
        stages=config.stages,
    )
    calling = CallingModel()
    return LoadContext(
        config=config,
        dispatcher=Dispatcher(schedule, config.max_start_lag_s),
        sink=SampleSink(stream, observer=calling.observe),
        clock=RunClock(),
        calling=calling,
    )


class Pool:
    """The simulated customers: `users` at the start, grown by half at a time up to the cap."""

    def __init__(self, runner: LocalRunner, users: int, cap: int) -> None:
        self.runner, self.size, self.cap, self.peak = runner, users, cap, users

    def start(self) -> None:
        self.runner.start(self.size, spawn_rate=SPAWN_PER_S)

    def grow(self) -> None:
        if self.size >= self.cap:
            return
        self.size = min(self.cap, self.size + max(1, self.size // 2))
        self.peak = max(self.peak, self.size)
        self.runner.start(self.size, spawn_rate=SPAWN_PER_S)
        log.info("load_pool_grown", users=self.size, cap=self.cap)


def flush_periodically(ctx: LoadContext, pool: Pool) -> None:
    """Grow the pool while requests wait for a free customer; record the intents that expired
    anyway (the pool at its cap), then write the batch."""
    while True:
        now_s = ctx.clock.now_s()
        if ctx.dispatcher.backlog_s(now_s) > GROW_AFTER_S:
            pool.grow()
        ctx.record_unserved(ctx.dispatcher.expire(now_s))
        ctx.sink.flush()
        gevent.sleep(FLUSH_PERIOD_S)


def write_json(path: Path, document: dict[str, object]) -> None:
    """A small JSON file written whole (a temporary file, then a rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document), encoding="utf-8")
    tmp.replace(path)


def wait_for_idle(ctx: LoadContext, stop: gevent.event.Event, grace_s: float) -> None:
    """After the schedule ends, let customers finish their intents (bounded; a signal cuts it)."""
    deadline_s = ctx.clock.now_s() + grace_s
    while ctx.busy > 0 and ctx.clock.now_s() < deadline_s and not stop.is_set():
        stop.wait(0.05)


def record_interrupted_writes(ctx: LoadContext) -> None:
    """Writes cut off by the stop may or may not have moved money: record them as unknown."""
    now_epoch_s = ctx.clock.epoch_s(ctx.clock.now_s())
    for pending in ctx.in_flight_writes.values():
        ctx.sink.add(replace(pending, latency_ms=(now_epoch_s - pending.t_s) * 1000.0))
    ctx.in_flight_writes.clear()


def warn_generator_saturated(cpu_usage: float = 0.0, **_: object) -> None:
    """Locust's CPU warning: latencies measured by a saturated generator are inconclusive."""
    log.warning("load_generator_cpu_high", cpu_percent=round(cpu_usage, 1))


def run(config: LoadConfig, out_path: Path) -> int:
    """Run the load until --duration-s or a signal; returns the number of samples written."""
    try:
        stream = out_path.open("a", encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"load runner: cannot open --out {out_path}: {exc.strerror}") from None
    with stream:
        ctx = build_context(config, stream)
        env = Environment(user_classes=[customer_class(ctx)], host=config.edge_url)
        runner = env.create_local_runner()
        # Every request is recorded as a Sample; Locust's own aggregate table is never read,
        # so do not pay for it on each request (it is most of the per-request overhead).
        env.stats.log_request = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
        env.events.cpu_warning.add_listener(warn_generator_saturated)  # type: ignore[no-untyped-call]
        stop = gevent.event.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            gevent.signal_handler(signum, stop.set)
        pool = Pool(runner, config.users, config.pool_cap)
        gc.freeze()  # the modules' objects are for life: keep full collections off them
        ctx.warm_up_until_s = ctx.clock.now_s() + WARM_UP_S
        pool.start()
        while ctx.ready < config.users and ctx.clock.now_s() < ctx.warm_up_until_s:
            if stop.wait(0.05):
                break
        t0_s = ctx.clock.restart()  # the first request falls due now, with customers ready
        ctx.started.set()
        write_json(plan_path(out_path), plan_document(ctx.dispatcher.plan))
        write_json(ready_path(out_path), {"t0_s": t0_s})
        log.info("load_warmed_up", customers=ctx.ready, sessions=len(ctx.sessions))
        flusher = gevent.spawn(flush_periodically, ctx, pool)
        log.info("load_started", users=config.users, cap=pool.cap, rate_per_s=config.rate_per_s)
        stopped_early = stop.wait(max(0.0, config.duration_s - ctx.clock.now_s()))
        ctx.record_unserved(ctx.dispatcher.close(ctx.clock.now_s()))
        ctx.schedule_over.set()
        if not stopped_early:
            wait_for_idle(ctx, stop, grace_s=2 * config.client_timeout_s + 0.5)
        runner.quit()
        ctx.polls.kill(block=True, timeout=1.0)
        flusher.kill(block=True)
        record_interrupted_writes(ctx)
        ctx.sink.flush()
        write_json(
            summary_path(out_path),
            {
                "peak_users": pool.peak,
                "max_users": pool.cap,
                "cpu_saturated": bool(runner.cpu_warning_emitted),
                "unserved": ctx.unserved,
                "by_signal": stop.is_set(),
            },
        )
        log.info(
            "load_stopped",
            samples=ctx.sink.written,
            by_signal=stop.is_set(),
            generator_cpu_saturated=runner.cpu_warning_emitted,
        )
        return ctx.sink.written


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse flags, run, exit 0; one-line error and non-zero exit otherwise."""
    configure_logging("info", json=True)
    for name in ("locust", "locust.runners", "locust.main"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        config, out_path = parse_runner_args(sys.argv[1:] if argv is None else argv)
        run(config, out_path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    except HarnessError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
