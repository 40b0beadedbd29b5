"""HTTP throughput of Kuaiqu against bare comparisons, driven by wrk (a C load generator).

Builds the database of `bench/order_bench.py` (2,000 SKUs at 50 stores, 1,000,000 units
each, one consumer), then in alternating rounds:

- starts `kuaiqu run` (one or several `--workers`) and drives, with wrk and the Lua scripts in
  `bench/wrk/`: `POST /api/orders` (random 2-line pickup orders, a fresh Idempotency-Key each,
  the consumer's session cookie), `GET /api/me` with that cookie, `GET /healthz`, the product
  page `GET /products/{id}` and `GET /api/products/{id}`;
- starts `bench/bare_order_app.py` (bare Litestar, raw sqlite3 / asyncpg, the same reserve +
  insert transaction) and drives `POST /orders` with the same orders.

wrk's Lua `done()` prints every status seen and the socket errors; the script prints rate,
p50/p99, non-2xx and socket errors per round, the medians and the ratios, and afterwards
checks the database: the orders stored are exactly the orders answered 201 (Kuaiqu's and the
bare app's apart), and the stock ledger sums to the levels.

    .venv/bin/python bench/http_bench.py                          # SQLite, 1 worker
    .venv/bin/python bench/http_bench.py --postgres --redis redis://127.0.0.1:6379/14 \\
        --workers 1 2

Needs `wrk` on the PATH (Debian: `apt-get install wrk`). A benchmark, not a test: record its
figures, with the command and the machine's load, in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine_speed import speed_line
from order_bench import (
    EMAIL,
    PASSWORD,
    PG_ADMIN,
    ROOT,
    VAR_DIR,
    build,
    count_orders,
    free_port,
)

from catalog.tables import Product

WRK_DIR = ROOT / "bench" / "wrk"
PG_DB = "kuaiqu_http_bench"
_BENCH_LINE = re.compile(r"^BENCH (\w+) (.*)$")


@dataclass
class Result:
    """One wrk run, from the lines the Lua `done()` printed."""

    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: dict[str, int] = field(default_factory=dict)
    #: Requests the script sent (orders only); those without an answer were in flight when
    #: wrk stopped, and the server may have stored them.
    sent: int = 0
    #: CPU seconds the server's processes (all workers) used during the run.
    server_cpu_s: float = 0.0
    #: CPU seconds of every PostgreSQL process meanwhile (0 on SQLite: it runs in the server).
    database_cpu_s: float = 0.0

    @property
    def cpu_ms_per_ok(self) -> float:
        """Server CPU per 2xx answer: a figure the machine's other load hardly moves."""
        return self.server_cpu_s * 1000 / self.ok if self.ok else 0.0

    @property
    def database_cpu_ms_per_ok(self) -> float:
        """PostgreSQL's CPU per 2xx answer (its backends share the cores with the server)."""
        return self.database_cpu_s * 1000 / self.ok if self.ok else 0.0

    @property
    def unanswered(self) -> int:
        """Requests sent whose answer wrk did not read (in flight at the end, or dropped)."""
        return max(self.sent - sum(self.statuses.values()), 0)

    @property
    def ok(self) -> int:
        """Answers with a 2xx status."""
        return sum(n for code, n in self.statuses.items() if 200 <= code < 300)

    @property
    def rate(self) -> float:
        """2xx answers per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> dict[int, int]:
        """Answers by status outside 2xx."""
        return {code: n for code, n in self.statuses.items() if not 200 <= code < 300}

    def line(self) -> str:
        """A one-line summary."""
        errors = {k: v for k, v in self.socket_errors.items() if v}
        return (
            f"{self.rate:8.1f}/s  p50 {self.p50_ms:6.1f} ms  p99 {self.p99_ms:6.1f} ms  "
            f"2xx {self.ok}  non-2xx {self.non_2xx or 0}  socket errors {errors or 0}"
            + (f"  in flight at the end {self.unanswered}" if self.sent else "")
            + (f"  server CPU {self.cpu_ms_per_ok:.2f} ms/answer" if self.server_cpu_s else "")
            + (
                f"  PostgreSQL CPU {self.database_cpu_ms_per_ok:.2f} ms/answer"
                if self.database_cpu_s
                else ""
            )
        )


def parse_wrk(output: str) -> Result:
    """Read the `BENCH …` lines of bench/wrk/report.lua."""
    result = Result()
    for line in output.splitlines():
        found = _BENCH_LINE.match(line.strip())
        if not found:
            continue
        kind, rest = found.groups()
        words = rest.split()
        if kind == "sent":
            result.sent = int(words[0])
        elif kind == "status":
            result.statuses[int(words[0])] = int(words[1])
        elif kind == "errors":
            result.socket_errors = {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}
        elif kind == "requests":
            words = [kind, *words]
            values = {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}
            result.requests = values["requests"]
            result.seconds = values["duration_us"] / 1e6
            result.p50_ms = values["p50_us"] / 1000
            result.p99_ms = values["p99_us"] / 1000
    if not result.seconds:
        raise SystemExit(f"wrk printed no report:\n{output}")
    return result


def process_tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of `pid` and every process below it (uvicorn's workers)."""
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def postgres_cpu_s() -> float:
    """User + system CPU seconds of every process named `postgres` on this machine."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if name == "postgres":
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wrk(
    url: str, script: str, env: dict[str, str], args: argparse.Namespace, server_pid: int = 0
) -> Result:
    """Run wrk with one Lua script of bench/wrk against `url` (and time the server's CPU)."""
    cpu_before = process_tree_cpu_s(server_pid) if server_pid else 0.0
    database_before = postgres_cpu_s() if args.postgres else 0.0
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "10s", "-s", str(WRK_DIR / script), url,
    ]  # fmt: skip
    done = subprocess.run(
        command, env={**os.environ, **env, "BENCH_WRK_DIR": str(WRK_DIR)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr}\n{done.stdout}")
    result = parse_wrk(done.stdout)
    if server_pid:
        result.server_cpu_s = process_tree_cpu_s(server_pid) - cpu_before
    if args.postgres:
        result.database_cpu_s = postgres_cpu_s() - database_before
    return result


def start(command: list[str], env: dict[str, str], port: int, log: Path, cwd: Path) -> Any:
    """Start a server process in `cwd` and wait until it answers."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            wait_until_idle(process.pid)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server did not start:\n{log.read_text()}")


def wait_until_idle(pid: int, limit_s: float = 30.0) -> None:
    """Wait until the server stops working on its own (start-up work done), at most `limit_s`.

    The app answers /healthz before its background start-up work ends (loading jieba's
    dictionary for the search index catch-up, a second or two of CPU holding the GIL): a
    run started meanwhile measured that work too. Idle = under 5 % of a core for 0.5 s.
    """
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = process_tree_cpu_s(pid)
        time.sleep(0.5)
        if process_tree_cpu_s(pid) - before < 0.025:
            return


def session_cookie(base: str) -> str:
    """Log the bench consumer in and return its `Cookie` header value."""
    with httpx.Client(base_url=base) as client:
        answer = client.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        answer.raise_for_status()
        return f"session={client.cookies['session']}"


def median(results: list[Result]) -> dict[str, float]:
    """Medians over rounds of rate, p50 and p99."""
    return {
        "rate": statistics.median(r.rate for r in results),
        "p50": statistics.median(r.p50_ms for r in results),
        "p99": statistics.median(r.p99_ms for r in results),
        "cpu": statistics.median(r.cpu_ms_per_ok for r in results),
        "database_cpu": statistics.median(r.database_cpu_ms_per_ok for r in results),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", default="", help="KUAIQU_REDIS_URL for Kuaiqu (sessions)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--pool-sizes", type=int, nargs="+", default=[10],
        help="KUAIQU_DB_POOL_SIZE values: a Kuaiqu side per (workers, pool size)",
    )  # fmt: skip
    parser.add_argument(
        "--compare-with",
        type=Path,
        default=None,
        help="another checkout (e.g. /work/main) whose Kuaiqu also runs each round, 1 worker",
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--only", default="orders,me,product", help="comma list of orders, me, product"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    workloads = set(args.only.split(","))
    if args.postgres:
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_DB}"')
        await admin.close()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
    else:
        url = f"sqlite:///{VAR_DIR}/bench.sqlite3"
    began = time.monotonic()
    stores, variants = await build(url)
    product_id = (await Product.select(Product.id).first())["id"]
    print(f"data: {len(variants)} SKUs x {len(stores)} stores in {time.monotonic() - began:.1f} s")
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(speed_line("speed"))
    order_env = {
        "BENCH_VARIANTS": f"{min(variants)}-{max(variants)}",
        "BENCH_STORES": f"{min(stores)}-{max(stores)}",
    }
    assert len(variants) == max(variants) - min(variants) + 1, "variant ids must be contiguous"
    assert len(stores) == max(stores) - min(stores) + 1, "store ids must be contiguous"
    env = {
        **os.environ,
        "KUAIQU_DATABASE_URL": url,
        "KUAIQU_DISABLE_SWEEPS": "1",
        "BARE_DATABASE_URL": url,
    }
    env.pop("KUAIQU_REDIS_URL", None)
    if args.redis:
        env["KUAIQU_REDIS_URL"] = args.redis
        from redis import Redis

        Redis.from_url(args.redis).flushdb()
    bare_command = [
        sys.executable, "-m", "uvicorn", "--app-dir", "bench", "bare_order_app:app",
        "--log-level", "warning", "--port",
    ]  # fmt: skip
    runs: dict[str, list[Result]] = {}

    def record(name: str, result: Result, round_no: int) -> None:
        runs.setdefault(name, []).append(result)
        print(f"round {round_no} {name:28s} {result.line()}", flush=True)

    default_pool = args.pool_sizes == [10]
    kuaiqu_sides = [
        (f"kuaiqu w{w}" + ("" if default_pool else f" p{p}"), w, ROOT, p)
        for w in args.workers
        for p in args.pool_sizes
    ]
    if args.compare_with:
        kuaiqu_sides.append((f"{args.compare_with.name} w1", 1, args.compare_with.resolve(), 10))
    for round_no in range(1, args.rounds + 1):
        for tag, workers, root, pool in kuaiqu_sides:
            port = free_port()
            command = [
                sys.executable, "-m", "server.cli", "run", "--no-access-log",
                "--workers", str(workers), "--port", str(port),
            ]  # fmt: skip
            log = Path(VAR_DIR) / f"{tag.replace(' ', '-')}.log"
            process = start(command, {**env, "KUAIQU_DB_POOL_SIZE": str(pool)}, port, log, root)
            base = f"http://127.0.0.1:{port}"
            try:
                cookie = session_cookie(base)
                if "orders" in workloads:
                    shape = {**order_env, "BENCH_SHAPE": "kuaiqu", "BENCH_COOKIE": cookie}
                    orders = wrk(base, "orders.lua", shape, args, process.pid)
                    record(f"{tag} POST /api/orders", orders, round_no)
                if "me" in workloads:
                    me = wrk(
                        f"{base}/api/me", "get.lua", {"BENCH_COOKIE": cookie}, args, process.pid
                    )
                    record(f"{tag} GET /api/me", me, round_no)
                    health = wrk(f"{base}/healthz", "get.lua", {}, args)
                    record(f"{tag} GET /healthz", health, round_no)
                if "product" in workloads:
                    for path in (f"/products/{product_id}", f"/api/products/{product_id}"):
                        record(f"{tag} GET {path}", wrk(base + path, "get.lua", {}, args), round_no)
            finally:
                process.terminate()
                process.wait(timeout=15)
        if "orders" in workloads:
            port = free_port()
            log = Path(VAR_DIR) / "bare.log"
            process = start([*bare_command, str(port)], env, port, log, ROOT)
            try:
                shape = {**order_env, "BENCH_SHAPE": "bare"}
                result = wrk(f"http://127.0.0.1:{port}", "orders.lua", shape, args, process.pid)
                record("bare POST /orders", result, round_no)
            finally:
                process.terminate()
                process.wait(timeout=15)
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    print(speed_line("speed"))
    medians = {name: median(results) for name, results in runs.items()}
    for name, m in medians.items():
        print(
            f"median {name:28s} {m['rate']:8.1f}/s  p50 {m['p50']:6.1f} ms  "
            f"p99 {m['p99']:6.1f} ms  over {len(runs[name])} round(s)"
            + (f"  server CPU {m['cpu']:.2f} ms/answer" if m["cpu"] else "")
            + (f"  PostgreSQL CPU {m['database_cpu']:.2f} ms/answer" if m["database_cpu"] else "")
        )
    for tag, _, _, _ in kuaiqu_sides:
        pairs = [
            (f"{tag} POST /api/orders", "bare POST /orders"),
            (f"{tag} GET /api/me", f"{tag} GET /healthz"),
            (f"{tag} GET /products/{product_id}", f"{tag} GET /healthz"),
            (f"{tag} GET /api/products/{product_id}", f"{tag} GET /healthz"),
        ]
        for ours, theirs in pairs:
            if ours in medians and theirs in medians and medians[theirs]["rate"]:
                ratio = medians[ours]["rate"] / medians[theirs]["rate"]
                print(f"ratio {ours} / {theirs}: {ratio:.2f}")
    if "orders" in workloads:
        counted, ledger_ok = await count_orders(url)
        kuaiqu_runs = [r for n, rs in runs.items() if n.endswith("/api/orders") for r in rs]
        bare_runs = runs.get("bare POST /orders", [])
        answered = {
            "online": sum(r.statuses.get(201, 0) for r in kuaiqu_runs),
            "bare": sum(r.statuses.get(201, 0) for r in bare_runs),
        }
        in_flight = {
            "online": sum(r.unanswered for r in kuaiqu_runs),
            "bare": sum(r.unanswered for r in bare_runs),
        }
        # wrk stops with one request in flight per connection; those the server finished are
        # stored without wrk reading the 201, so each side may hold up to that many more.
        print(
            f"orders in the database: {counted}; answered 201: {answered}; "
            f"in flight when wrk stopped: {in_flight}; ledger sums to levels: {ledger_ok}"
        )
        exact = all(
            answered[side] <= counted.get(side, 0) <= answered[side] + in_flight[side]
            for side in answered
        )
        if not exact or not ledger_ok:
            raise SystemExit("MISMATCH: the database does not hold the orders answered 201")


if __name__ == "__main__":
    asyncio.run(main())
