"""The package's rooms import only downward, and importing the package changes nothing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Each room may import its own modules and those of rooms with a lower rank. Rooms of one rank
# (the pictures and the classical models) know nothing of each other.
RANKS = {
    "process": 0,  # leaves: they import nothing of the app
    "errors": 0,
    "nn": 1,
    "run": 2,
    "pictures": 3,
    "compare": 3,
    "sessions": 4,
    "api": 5,
    "main": 6,
    "cli": 7,
}


def room_of(module: str) -> str:
    """The room of a dotted module name inside the package ("app.nn.model" -> "nn")."""
    return module.split(".")[1].removesuffix(".py")


def imported_modules(path: Path) -> set[str]:
    """Every module of the package that the file imports, wherever the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "app" else [f"app.{a.name}" for a in node.names]
            found.update(names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("app.")}


def modules() -> list[tuple[str, Path]]:
    return [
        (".".join(path.relative_to(APP.parent).with_suffix("").parts), path)
        for path in sorted(APP.rglob("*.py"))
    ]


def test_every_module_lives_in_a_known_room():
    rooms = {room_of(name) for name, _ in modules() if name != "app.__init__"}
    assert rooms - set(RANKS) == set()


def test_imports_only_go_down():
    upward = []
    for name, path in modules():
        if name == "app.__init__":
            continue
        here = room_of(name)
        for target in imported_modules(path):
            there = room_of(target)
            if there != here and RANKS[there] >= RANKS[here]:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_the_rule_catches_an_upward_import(tmp_path):
    # The check above must be able to fail: an nn module importing a session is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from app.sessions.store import SessionStore\nimport app.api.routes\n")
    rooms = {room_of(target) for target in imported_modules(bad)}
    assert rooms == {"sessions", "api"} and all(RANKS[r] > RANKS["nn"] for r in rooms)


def test_importing_the_package_changes_no_process_setting():
    # BLAS threads are set by setup_process(), which create_app calls; an import alone must not.
    script = """
import json
import numpy
from threadpoolctl import threadpool_info
before = [p["num_threads"] for p in threadpool_info()]
import app.main, app.cli, app.api.routes, app.sessions.store, app.pictures.frame
after = [p["num_threads"] for p in threadpool_info()]
from app.process import setup_process
setup_process()
configured = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
print(json.dumps([before == after[: len(before)], configured]))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    unchanged, configured = json.loads(out.stdout)
    assert unchanged and configured and set(configured) == {1}


def test_bad_input_has_one_error_type():
    # A 422 is made in one place (app/api/errors.py) from one exception, app.errors.InvalidInput:
    # no route builds one by hand, and no room defines an error type of its own for bad input.
    found = []
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "HTTPException":
                status = node.args[0] if node.args else None
                if isinstance(status, ast.Constant) and status.value == 422:
                    found.append(f"{name}: HTTPException(422, ...)")
            if isinstance(node, ast.ClassDef) and name != "app.errors":
                bases = {getattr(base, "id", None) for base in node.bases}
                if bases & {"ValueError", "Exception", "InvalidInput"}:
                    found.append(f"{name}: class {node.name}")
    assert found == []
