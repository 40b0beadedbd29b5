"""Fan-out benchmark: N websocket clients subscribed to one variant receive a stock change.

Starts `kuaiqu run` on a fresh SQLite file with the demo data (or on PostgreSQL + Redis with
--postgres), connects N websocket clients to /ws/stock/{variant}, then changes the variant's
stock through the supplier stock API several times and measures, per change, the time from
sending the request to each client receiving the event. Prints p50/p99 delivery latency,
how many clients got every event, and the server's memory (RSS) before and after connecting.

    .venv/bin/python bench/fanout_bench.py --clients 1000 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
SUPPLIER = ("supplier@kuaiqu.test", "kuaiqu-demo-supplier")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    var_dir = tempfile.mkdtemp(prefix="kuaiqu-fanout-")
    env = {**os.environ, "KUAIQU_VAR_DIR": var_dir, "KUAIQU_DISABLE_SWEEPS": "1"}
    if args.postgres:
        env["KUAIQU_DATABASE_URL"] = args.postgres
        env["KUAIQU_REDIS_URL"] = args.redis
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
             f"DROP DATABASE IF EXISTS {args.postgres.rsplit('/', 1)[1]} WITH (FORCE)"],
            check=True,
        )  # fmt: skip
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
             f"CREATE DATABASE {args.postgres.rsplit('/', 1)[1]}"],
            check=True,
        )  # fmt: skip
    else:
        env.pop("KUAIQU_DATABASE_URL", None)
        env.pop("KUAIQU_REDIS_URL", None)
    for command in ("migrate", "demo"):
        subprocess.run(
            [sys.executable, "-m", "server.cli", command], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "run", "--port", str(args.port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{args.port}"
    for _ in range(100):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url, env
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start")


async def receive(socket: websockets.ClientConnection, on_hand: int) -> float:
    """The moment (perf_counter) this client sees the stock event with `on_hand`.

    The clock is read before parsing, and the timeout is set once for the whole round (not
    per message), so the client's own overhead stays out of the figure as far as it can.
    """
    while True:
        message = await socket.recv()
        received = time.perf_counter()
        if json.loads(message).get("on_hand") == on_hand:
            return received


async def pick_variant(client: httpx.AsyncClient) -> tuple[int, int]:
    """A variant of the demo supplier and a location where it is stocked."""
    stock = (await client.get("/api/supplier/stock")).json()
    items = stock["items"] if isinstance(stock, dict) else stock
    row = items[0]
    return row["variant_id"], row["location_id"]


async def run(args: argparse.Namespace) -> None:
    process, url, _ = start_server(args)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            login = await client.post(
                "/api/auth/login", json={"email": SUPPLIER[0], "password": SUPPLIER[1]}
            )
            login.raise_for_status()
            variant_id, location_id = await pick_variant(client)
            rss_before = rss_mb(process.pid)
            ws_url = url.replace("http", "ws") + f"/ws/stock/{variant_id}"
            sockets = []
            for start in range(0, args.clients, 100):
                batch = await asyncio.gather(
                    *(websockets.connect(ws_url, max_queue=None)
                      for _ in range(min(100, args.clients - start)))
                )  # fmt: skip
                sockets.extend(batch)
            await asyncio.gather(*(s.recv() for s in sockets))  # the hellos
            rss_after = rss_mb(process.pid)
            latencies: list[float] = []
            complete_rounds = 0
            failed_requests = 0
            for round_no in range(args.rounds):
                on_hand = 500 + round_no
                waiters = [asyncio.create_task(receive(s, on_hand)) for s in sockets]
                await asyncio.sleep(0.2)  # every waiter is parked on recv before the clock starts
                sent = time.perf_counter()
                response = await client.put(
                    f"/api/supplier/stock/{location_id}/{variant_id}",
                    json={"on_hand": on_hand, "reason": "count"},
                )
                if response.status_code >= 300:
                    failed_requests += 1
                    print("stock change refused:", response.status_code, response.text)
                done, late = await asyncio.wait(waiters, timeout=10)
                for task in late:
                    task.cancel()
                got = [task.result() - sent for task in done]
                latencies.extend(got)
                complete_rounds += len(got) == len(sockets)
                await asyncio.sleep(0.5)
            await asyncio.gather(*(s.close() for s in sockets))
            level = (await client.get(f"/api/supplier/stock?location_id={location_id}")).json()
            items = level["items"] if isinstance(level, dict) else level
            final = next(i for i in items if i["variant_id"] == variant_id)
    finally:
        process.terminate()
        process.wait(timeout=10)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    print(f"backend: {'PostgreSQL + Redis' if args.postgres else 'SQLite + in-memory channels'}")
    print(
        f"clients: {args.clients}, rounds: {args.rounds}, non-2xx stock changes: {failed_requests}"
    )
    print(f"events delivered: {len(ms)} of {args.clients * args.rounds}; "
          f"rounds where every client got the event: {complete_rounds}/{args.rounds}")  # fmt: skip
    if ms:
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(
            f"delivery latency ms: p50 {statistics.median(ms):.1f}  p99 {p99:.1f}  max {ms[-1]:.1f}"
        )
    print(f"server RSS MB: {rss_before:.1f} before clients, {rss_after:.1f} with clients "
          f"({(rss_after - rss_before) * 1024 / args.clients:.1f} KB per client)")  # fmt: skip
    expected = 500 + args.rounds - 1
    print(f"database check: on_hand {final['on_hand']} (expected {expected}) -> "
          f"{'OK' if final['on_hand'] == expected else 'MISMATCH'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--postgres", default="", help="postgresql://…/kuaiqu_bench_fanout")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
