"""Fan-out benchmark: N websocket clients subscribed to one variant receive a stock change.

Starts `kuaiqu run` (one process; `--server-root` picks the checkout, e.g. a worktree of an
older commit for "before") on a fresh SQLite file with the demo data (or on PostgreSQL +
Redis with --postgres), connects N websocket clients to /ws/stock/{variant}, spread over
`--client-processes` processes so that the clients are not the bound (`--client light`, the
default: a raw asyncio protocol per socket, no per-message JSON; `--client websockets`: the
websockets library's client), then
changes the variant's stock through the supplier stock API several times and measures, per
change, the time from sending the request to each client receiving the event (the clients
read the same system-wide monotonic clock as the sender). Prints p50/p99 delivery latency,
how many clients got every event, and the server's memory (RSS) before and after connecting
(÷ clients: memory per client). Raises its open-files limit (and the server's, which
inherits it) to what N sockets need.

    .venv/bin/python bench/fanout_bench.py --clients 1000 --rounds 5
    .venv/bin/python bench/fanout_bench.py --clients 10000 --client-processes 2 --rounds 5
    .venv/bin/python bench/fanout_bench.py --clients 10000 --client-processes 2 --rounds 5 \
        --server-root ../wt-before --profile /tmp/fanout-profile.txt   # py-spy of the server
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import json
import multiprocessing
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
            [sys.executable, "-m", "server.cli", command], cwd=args.server_root, env=env,
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "run", "--port", str(args.port), "--no-access-log"],
        cwd=args.server_root,
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


def raise_open_files(needed: int) -> None:
    """Lift this process's soft open-files limit to `needed` (at most the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        if wanted < needed:
            print(f"warning: open files limited to {wanted} (hard limit), {needed} wanted")


async def receive(socket: websockets.ClientConnection, on_hand: int) -> float:
    """The moment (monotonic clock) this client sees the stock event with `on_hand`.

    The clock is read before parsing, and the timeout is set once for the whole round (not
    per message), so the client's own overhead stays out of the figure as far as it can.
    """
    while True:
        message = await socket.recv()
        received = time.monotonic()
        if json.loads(message).get("on_hand") == on_hand:
            return received


_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class LightClient(asyncio.Protocol):
    """A minimal websocket client: raw handshake, frame parsing, no per-message JSON.

    The receive time is read when a frame's bytes arrive (before any parsing); a text
    frame counts as this round's event when it holds `"on_hand":N` and is only decoded and
    checked (type, variant, on_hand) after the round, outside the timed path. Pings are
    answered (the server closes sockets that miss its keepalive pings).
    """

    def __init__(self, host: str, path: str, group: LightGroup) -> None:
        self.group = group
        self.key = base64.b64encode(os.urandom(16))
        self.request = (
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            ).encode()
            + b"Sec-WebSocket-Key: "
            + self.key
            + b"\r\n\r\n"
        )
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.open = False
        self.greeted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.event: tuple[float, bytes] | None = None  # this round's event: (time, payload)
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.greeted.done():
            self.greeted.set_exception(ConnectionError("closed before the hello"))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self.buffer
        buffer += data
        if not self.open:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).split(b"\r\n")
            del buffer[: end + 4]
            accept = base64.b64encode(hashlib.sha1(self.key + _GUID).digest())
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(b":") for line in head[1:])
            }
            if (
                not head[0].startswith(b"HTTP/1.1 101")
                or headers.get(b"sec-websocket-accept") != accept
            ):
                self.greeted.set_exception(ConnectionError(head[0].decode()))
                return
            self.open = True
        while len(buffer) >= 2:
            opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset : offset + length])
            del buffer[: offset + length]
            if opcode == 0x1:
                self.on_text(now, payload)
            elif opcode == 0x9:
                self.send_frame(0xA, payload)
            elif opcode == 0x8:
                self.closed = True

    def on_text(self, now: float, payload: bytes) -> None:
        if not self.greeted.done():
            if b'"type":"hello"' in payload:
                self.greeted.set_result(None)
            return
        marker = self.group.marker
        if marker is not None and self.event is None and marker in payload:
            self.event = (now, payload)
            self.group.arrived()

    def send_frame(self, opcode: int, payload: bytes) -> None:
        """A masked (client → server) frame; only small control frames are sent."""
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert self.transport is not None
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.send_frame(0x8, (1000).to_bytes(2, "big"))
            self.transport.close()


class LightGroup:
    """The light clients of one client process and the round they are waiting for."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.clients: list[LightClient] = []
        self.marker: bytes | None = None
        self.waiting = 0
        self.all_arrived = asyncio.Event()
        self.retries = 0  # connections retried before their hello (setup, not measured)

    def arm(self, on_hand: int) -> None:
        for client in self.clients:
            client.event = None
        self.marker = b'"on_hand":%d' % on_hand
        self.waiting = len(self.clients)
        self.all_arrived.clear()

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.all_arrived.set()

    def times(self, variant_id: int, on_hand: int) -> list[float]:
        """Receive times of the clients whose event really is this change (checked now)."""
        times = []
        for client in self.clients:
            if client.event is None:
                continue
            event = json.loads(client.event[1])
            if (event.get("type"), event.get("variant_id"), event.get("on_hand")) == (
                "stock",
                variant_id,
                on_hand,
            ):
                times.append(client.event[0])
        return times


async def _light_group(ws_url: str, variant_id: int, count: int, conn: Any) -> None:
    """Like `_client_group`, with `LightClient`s."""
    loop = asyncio.get_running_loop()
    host, port_path = ws_url.removeprefix("ws://").split(":", 1)
    port, path = port_path.split("/", 1)
    group = LightGroup(count)

    async def connect() -> LightClient:
        """One greeted client; a connection refused or cut before its hello is retried."""
        for attempt in range(5):
            client = None
            try:
                _, client = await loop.create_connection(
                    lambda: LightClient(f"{host}:{port}", "/" + path, group), host, int(port)
                )
                await asyncio.wait_for(asyncio.shield(client.greeted), timeout=60)
                return client
            except (OSError, TimeoutError):
                group.retries += 1
                if attempt == 4:
                    raise
                if client is not None:
                    client.close()
        raise AssertionError("unreachable")

    for start in range(0, count, 200):
        group.clients.extend(
            await asyncio.gather(*(connect() for _ in range(min(200, count - start))))
        )
    conn.send("ready")
    if group.retries:
        print(f"client process {os.getpid()}: {group.retries} connection(s) retried", flush=True)
    while True:
        message = await loop.run_in_executor(None, conn.recv)
        if message[0] == "close":
            break
        on_hand = message[1]
        group.arm(on_hand)
        conn.send("armed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(group.all_arrived.wait(), timeout=10)
        group.marker = None
        conn.send(group.times(variant_id, on_hand))
    for client in group.clients:
        client.close()
    conn.send("closed")


async def _client_group(ws_url: str, count: int, conn: Any) -> None:
    """One client process: `count` sockets; rounds driven by the parent over `conn`.

    Messages from the parent: ("round", on_hand) → arm a waiter per socket, answer
    "armed", then answer the list of receive times (monotonic) once all arrived or 10 s
    passed; ("close",) → close every socket and stop.
    """
    loop = asyncio.get_running_loop()
    sockets = []
    for start in range(0, count, 100):
        batch = await asyncio.gather(
            *(websockets.connect(ws_url, max_queue=None, ping_interval=None)
              for _ in range(min(100, count - start)))
        )  # fmt: skip
        sockets.extend(batch)
    await asyncio.gather(*(s.recv() for s in sockets))  # the hellos
    conn.send("ready")
    while True:
        message = await loop.run_in_executor(None, conn.recv)
        if message[0] == "close":
            break
        on_hand = message[1]
        waiters = [asyncio.create_task(receive(s, on_hand)) for s in sockets]
        await asyncio.sleep(0.2)  # every waiter is parked on recv before the clock starts
        conn.send("armed")
        done, late = await asyncio.wait(waiters, timeout=10)
        for task in late:
            task.cancel()
        conn.send([task.result() for task in done])
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    conn.send("closed")


def client_process(ws_url: str, variant_id: int, count: int, light: bool, conn: Any) -> None:
    """Entry point of a client process."""
    raise_open_files(count + 256)
    if light:
        asyncio.run(_light_group(ws_url, variant_id, count, conn))
    else:
        asyncio.run(_client_group(ws_url, count, conn))


async def pick_variant(client: httpx.AsyncClient) -> tuple[int, int]:
    """A variant of the demo supplier and a location where it is stocked."""
    stock = (await client.get("/api/supplier/stock")).json()
    items = stock["items"] if isinstance(stock, dict) else stock
    row = items[0]
    return row["variant_id"], row["location_id"]


def split(total: int, parts: int) -> list[int]:
    """`total` clients over `parts` processes, as evenly as possible (none empty)."""
    parts = max(1, min(parts, total))
    return [total // parts + (i < total % parts) for i in range(parts)]


async def run(args: argparse.Namespace) -> None:
    raise_open_files(args.clients + 1024)  # the server inherits this limit
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
            groups = split(args.clients, args.client_processes)
            pipes = []
            children = []
            context = multiprocessing.get_context("spawn")
            for count in groups:
                parent_end, child_end = context.Pipe()
                child = context.Process(
                    target=client_process,
                    args=(ws_url, variant_id, count, args.client == "light", child_end),
                )
                child.start()
                pipes.append(parent_end)
                children.append(child)
            loop = asyncio.get_running_loop()

            def answer(pipe: Any) -> Any:
                if not pipe.poll(300):  # a client process that died must not hang the run
                    raise SystemExit("a client process stopped answering (see its error)")
                return pipe.recv()

            async def from_all() -> list[Any]:
                return await asyncio.gather(*(loop.run_in_executor(None, answer, p) for p in pipes))

            await from_all()  # every client connected and greeted
            await asyncio.sleep(1)  # let the server settle before reading its memory
            rss_after = rss_mb(process.pid)
            profiler = None
            if args.profile:  # py-spy (pip install py-spy) samples the server over the rounds
                profiler = subprocess.Popen(  # noqa: ASYNC220 - starts at once, not awaited
                    ["py-spy", "record", "-p", str(process.pid), "-r", "200", "--nonblocking",
                     "-f", "raw", "-o", args.profile],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                await asyncio.sleep(1)
            latencies: list[float] = []
            complete_rounds = 0
            failed_requests = 0
            for round_no in range(args.rounds):
                on_hand = 500 + round_no
                for pipe in pipes:
                    pipe.send(("round", on_hand))
                await from_all()  # armed
                sent = time.monotonic()
                response = await client.put(
                    f"/api/supplier/stock/{location_id}/{variant_id}",
                    json={"on_hand": on_hand, "reason": "count"},
                )
                if response.status_code >= 300:
                    failed_requests += 1
                    print("stock change refused:", response.status_code, response.text)
                got = [t - sent for times in await from_all() for t in times]
                latencies.extend(got)
                complete_rounds += len(got) == args.clients
                await asyncio.sleep(0.5)
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=30)
            for pipe in pipes:
                pipe.send(("close",))
            await from_all()
            for child in children:
                child.join(timeout=30)
            stock_url = f"/api/supplier/stock?location_id={location_id}"
            try:
                level = (await client.get(stock_url)).json()
            except httpx.TransportError:  # the server closed the idle keep-alive connection
                level = (await client.get(stock_url)).json()
            items = level["items"] if isinstance(level, dict) else level
            final = next(i for i in items if i["variant_id"] == variant_id)
    finally:
        process.terminate()
        process.wait(timeout=10)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    print(f"backend: {'PostgreSQL + Redis' if args.postgres else 'SQLite + in-memory channels'}")
    print(
        f"server: {args.server_root}; clients ({args.client}): {args.clients} in "
        f"{args.client_processes} client processes, "
        f"rounds: {args.rounds}, non-2xx stock changes: {failed_requests}"
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
    parser.add_argument(
        "--client-processes", type=int, default=max(1, (os.cpu_count() or 2) * 2),
        help="processes the clients are spread over",
    )  # fmt: skip
    parser.add_argument(
        "--client", choices=("light", "websockets"), default="light",
        help="light: raw asyncio protocol clients; websockets: the websockets library's client",
    )  # fmt: skip
    parser.add_argument(
        "--server-root", type=Path, default=ROOT,
        help="checkout whose server to run (e.g. a worktree of an older commit, for 'before')",
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--profile", default="", help="py-spy raw profile of the rounds to here")
    parser.add_argument("--postgres", default="", help="postgresql://…/kuaiqu_bench_fanout")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
