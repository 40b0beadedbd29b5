"""The `kuaiqu` command line on a fresh SQLite file: migrate, demo twice, createuser."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def kuaiqu(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KUAIQU_VAR_DIR": str(var_dir)}
    env.pop("KUAIQU_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_demo_and_createuser_from_the_command_line(tmp_path: Path) -> None:
    assert kuaiqu("migrate", var_dir=tmp_path).returncode == 0
    first = kuaiqu("demo", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demo loaded" in first.stdout and "operator@kuaiqu.test" in first.stdout
    again = kuaiqu("demo", var_dir=tmp_path)
    assert "already loaded" in again.stdout

    staff = kuaiqu(
        "createuser", "--email", "wang@example.cn", "--password", "long-enough-1",
        "--role", "staff", "--scope", "store:1,store:2", var_dir=tmp_path,
    )  # fmt: skip
    assert staff.returncode == 0, staff.stderr
    assert "Created staff wang@example.cn" in staff.stdout

    duplicate = kuaiqu(
        "createuser", "--email", "wang@example.cn", "--password", "long-enough-1",
        "--role", "consumer", var_dir=tmp_path,
    )  # fmt: skip
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr

    bad_scope = kuaiqu(
        "createuser", "--email", "li@example.cn", "--password", "long-enough-1",
        "--role", "supplier", "--scope", "store:1", var_dir=tmp_path,
    )  # fmt: skip
    assert bad_scope.returncode != 0 and "supplier:ID" in bad_scope.stderr
    assert (tmp_path / "kuaiqu.sqlite3").exists()


def test_several_workers_on_sqlite_are_refused_saying_why(tmp_path: Path) -> None:
    result = kuaiqu("run", "--workers", "2", "--port", "1", var_dir=tmp_path)
    assert result.returncode != 0
    assert "needs PostgreSQL" in result.stderr and "one process write at a time" in result.stderr


def test_several_workers_without_redis_are_refused_saying_why(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KUAIQU_VAR_DIR": str(tmp_path),
        "KUAIQU_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
    }
    env.pop("KUAIQU_REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "run", "--workers", "2", "--port", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "needs KUAIQU_REDIS_URL" in result.stderr
