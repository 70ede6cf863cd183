"""The README's commands work as written: pasted into a shell, in the checkout."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from wirnet.config import PROJECT_ROOT

pytestmark = pytest.mark.no_db_rollback

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SHELL_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def readme_line(containing: str) -> str:
    lines = [
        line.strip()
        for block in SHELL_BLOCKS
        for line in block.splitlines()
        if containing in line and not line.lstrip().startswith("#")
    ]
    assert lines, f"no shell line with {containing!r} in the README"
    return lines[0]


def test_the_outbox_command_works_when_pasted(tmp_path):
    line = readme_line("outbox show")
    # The demo database, as `make run` leaves it: migrated (here a fresh file of our own).
    env = {**os.environ, "WIRNET_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    env.pop("WIRNET_ENV", None)
    flask = str(PROJECT_ROOT / ".venv" / "bin" / "flask")
    subprocess.run(
        [flask, "--app", "wirnet", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env={**env, "WIRNET_ENV": "local"},
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        ["bash", "-c", line], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "The outbox is empty." in result.stdout


def test_make_run_takes_another_port():
    assert "make run PORT=5050" in README
    result = subprocess.run(
        ["make", "-n", "run", "PORT=5050"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = result.stdout
    assert "--bind 127.0.0.1:5050" in commands
    # The e-mails' links (WIRNET_BASE_URL in the local profile) follow the port.
    assert commands.count("WIRNET_PORT=5050") >= 3
    # One process, so that the in-memory rate limits hold as documented.
    assert "--workers 1" in commands
