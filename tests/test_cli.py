"""The `layerscope` command: its options, and what it refuses before starting anything."""

import subprocess
import sys

import pytest

from app.cli import parser


def run_cli(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "app.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_help_lists_every_option():
    shown = run_cli("--help")
    assert shown.returncode == 0
    options = {o for action in parser()._actions for o in action.option_strings}
    assert options >= {"--host", "--port", "--workers", "--store", "--production", "--access-log"}
    assert all(option in shown.stdout for option in options)


def test_several_workers_without_a_shared_store_refuse_to_start_and_say_why():
    refused = run_cli("--workers", "2")
    assert refused.returncode == 2
    assert "--workers above 1 needs a shared store" in refused.stderr
    assert "--store redis://" in refused.stderr


@pytest.mark.parametrize("store", ["postgres://x", "redis:/no-slashes", "memory:1"])
def test_a_store_that_is_not_memory_or_redis_is_refused(store):
    refused = run_cli("--store", store)
    assert refused.returncode == 2 and "--store must be" in refused.stderr
