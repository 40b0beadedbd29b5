"""The `kuaiqu` command line: run, migrate, demo, createuser, up."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import click

from accounts.roles import Role, parse_scope
from core.database import current_engine, prepare_engine, release_engine
from core.errors import DomainError
from core.settings import get_settings


def _run_db(work: Callable[[], Awaitable[Any]]) -> Any:
    """Run one async database job with the engine opened and closed around it."""

    async def wrapped() -> Any:
        engine = current_engine()
        await prepare_engine(engine, pool_size=2)
        try:
            return await work()
        finally:
            await release_engine(engine)

    return asyncio.run(wrapped())


@click.group()
def main() -> None:
    """Kuaiqu (快取): B2B2C + O2O commerce platform."""
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")


def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    async def work() -> None:
        result = await run_forwards("all")
        if not result.success:
            raise click.ClickException(f"Migrations failed: {result.message}")

    _run_db(work)


@main.command()
def migrate() -> None:
    """Apply every pending database migration."""
    _migrate()
    click.echo(f"Database is up to date ({_database_label()}).")


def _load_demo() -> None:
    from server.demo.load import load_demo

    summary = _run_db(lambda: load_demo(get_settings().media_dir))
    if summary.loaded:
        click.echo(
            f"Demo loaded: {summary.suppliers} suppliers, {summary.products} products, "
            f"{summary.variants} variants, {summary.locations} locations, "
            f"{summary.stock_rows} stock rows."
        )
    else:
        click.echo("Demo data is already loaded; nothing changed.")


def _print_logins() -> None:
    from server.demo.content import USERS

    click.echo("Demo logins:")
    for user in USERS:
        click.echo(f"  {user['role']:<9} {user['email']:<28} {user['password']}")


@main.command()
def demo() -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    _load_demo()
    _print_logins()
    if not get_settings().sandbox_payments:
        click.echo(
            "Online payments of the demo need the sandbox provider: serve with `kuaiqu up`, "
            "or set KUAIQU_SANDBOX_PAYMENTS=1 for `kuaiqu run` (development only)."
        )


def _enable_sandbox_payments() -> None:
    """Run the sandbox payment provider in this process and the workers it starts.

    Set in the environment (unless the operator chose otherwise) because uvicorn's workers
    read their settings afresh.
    """
    os.environ.setdefault("KUAIQU_SANDBOX_PAYMENTS", "1")
    get_settings.cache_clear()


@main.command()
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default="", help="Display name (defaults to the email's local part).")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--scope", default="", help="store:ID[,store:ID…] for staff, supplier:ID for suppliers."
)
def createuser(email: str, password: str, name: str, role: str, scope: str) -> None:
    """Create an account with a role and its scope."""
    from accounts.users import create_user

    try:
        store_ids, supplier_id = parse_scope(Role(role), scope)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scope") from error
    try:
        user = _run_db(
            lambda: create_user(
                email=email,
                password=password,
                name=name or email.split("@")[0],
                role=Role(role),
                store_ids=store_ids,
                supplier_id=supplier_id,
            )
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Log a line per request (off behind a proxy that logs them already).",
)
def run(host: str, port: int, workers: int, reload: bool, access_log: bool) -> None:
    """Serve the platform over HTTP (migrating the embedded SQLite database first)."""
    check_workers(workers)  # refused before the database is touched, saying why
    _ready_to_serve()
    _serve(host, port, workers, reload, access_log=access_log)


def check_workers(workers: int) -> None:
    """Refuse several worker processes where they would not help or would split state.

    SQLite lets one writer in at a time (more processes only queue on its lock), and without
    Redis each process keeps its own sessions, account cache and live updates.
    """
    if workers <= 1:
        return
    settings = get_settings()
    if not settings.is_postgres:
        raise click.UsageError(
            f"--workers {workers} needs PostgreSQL: SQLite lets one process write at a time, "
            "so more workers only wait on its lock. Run one worker on SQLite, or set "
            "KUAIQU_DATABASE_URL=postgresql://… and KUAIQU_REDIS_URL=redis://… for several."
        )
    if not settings.redis_url:
        raise click.UsageError(
            f"--workers {workers} needs KUAIQU_REDIS_URL: the processes share sessions, "
            "the account cache and live stock updates through Redis."
        )


def _ready_to_serve() -> None:
    """Migrate the embedded SQLite file; refuse a PostgreSQL database that is behind.

    An unmigrated database would answer 500 on every page. SQLite is this installation's
    own file, so bringing it up to date is safe; a PostgreSQL database is shared and
    migrated deliberately (`kuaiqu migrate`), so it is only checked.
    """
    from core.migrations import unapplied_migrations

    if not get_settings().is_postgres:
        _migrate()
        return
    pending = _run_db(unapplied_migrations)
    if pending:
        raise click.ClickException(
            f"The PostgreSQL database has {len(pending)} unapplied migration(s) "
            f"({', '.join(pending[:5])}{', …' if len(pending) > 5 else ''}): "
            "run `kuaiqu migrate` first, then start again."
        )


def _serve(host: str, port: int, workers: int, reload: bool, *, access_log: bool = True) -> None:
    import uvicorn

    check_workers(workers)

    click.echo(f"Kuaiqu on http://{host}:{port} ({_database_label()}, {workers} worker(s))")
    uvicorn.run(
        "server.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        log_level="info",
        access_log=access_log,
        # Realtime events are a few hundred bytes of JSON: per-message deflate saves nothing
        # on them, yet costs a zlib compression per event per socket and a compressor's
        # memory per connection (most of a websocket client's server memory).
        ws_per_message_deflate=False,
        # uvicorn's sans-I/O websockets protocol (its default when the websockets package is
        # installed): no task per connection, and the one whose connections the realtime
        # relay writes pre-encoded frames to directly (server/frame_writer.py); named here
        # so that a change of uvicorn's default cannot quietly slow the fan-out down.
        ws="websockets-sansio",
        # uvloop (callbacks and socket writes in C: an order's dozen database round trips
        # cost a quarter less), with a listener that accepts every waiting connection at
        # once: libuv's own accepts one per loop iteration, so under load a newcomer waited
        # behind every other (server/event_loop.py; docs/benchmarks.md, 2026-12-05).
        loop="server.event_loop:AcceptAllLoop",
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def up(host: str, port: int, workers: int) -> None:
    """Migrate, load the demo once, print the demo logins, and serve (for development).

    The sandbox payment provider is on, so demo orders can be paid without real money.
    """
    check_workers(workers)
    _enable_sandbox_payments()
    _migrate()
    _load_demo()
    _print_logins()
    _serve(host, port, workers, reload=False)


def _database_label() -> str:
    settings = get_settings()
    if settings.is_postgres:
        return "PostgreSQL"
    return f"SQLite {settings.database_url.removeprefix('sqlite:///')}"


from server.payments_cli import payments_cli  # noqa: E402 (the group needs `main`)

main.add_command(payments_cli)

if __name__ == "__main__":
    sys.exit(main())
