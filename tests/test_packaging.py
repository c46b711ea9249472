"""The package carries its page: a wheel holds static/ and templates/, and the app installed
from it serves the page from any directory."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
from pathlib import Path

import pytest

from benchmarks.server import running_server

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What the Dockerfile copies to build the image: all a wheel is built from.
SOURCES = ["pyproject.toml", "README.md", "app", "static", "templates"]


def test_the_build_lists_every_package_and_maps_the_page_in():
    setuptools = PYPROJECT["tool"]["setuptools"]
    under_app = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "app").rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == under_app | {"app.static", "app.templates"}
    assert setuptools["package-dir"] == {"app.static": "static", "app.templates": "templates"}


def get(url: str, gzipped: bool = False) -> tuple[bytes, str | None]:
    """The body (ungzipped) and Content-Encoding of a GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip" if gzipped else ""})
    with urllib.request.urlopen(request, timeout=30) as answer:
        encoding = answer.headers.get("Content-Encoding")
        body = answer.read()
    return (gzip.decompress(body) if encoding == "gzip" else body), encoding


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.packaging
def test_an_installed_wheel_serves_the_page_from_anywhere(tmp_path):
    source, dist, elsewhere = tmp_path / "source", tmp_path / "dist", tmp_path / "elsewhere"
    source.mkdir()
    elsewhere.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(ROOT / name, source / name)
    # Offline: this environment's setuptools builds it, and nothing else is fetched.
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source, cwd=tmp_path)
    (wheel,) = dist.glob("layerscope-*.whl")

    # A new environment with the wheel alone; its dependencies are this environment's, seen
    # through a path file (which does not bring this environment's own copy of the app).
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=elsewhere
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(*pip, "--python", python, "install", "--no-deps", wheel, cwd=tmp_path)
    installed = run(python, "-c", "import app; print(app.__file__)", cwd=elsewhere)
    assert Path(installed.strip()).is_relative_to(site)

    with running_server("--port", program=str(venv / "bin" / "layerscope"), cwd=elsewhere) as (
        _,
        port,
    ):
        base = f"http://127.0.0.1:{port}"
        page, _ = get(f"{base}/")
        main = re.search(r'<script type="module" src="([^"]+)"', page.decode())
        assert main and main.group(1).endswith("/js/main.js")
        module, encoding = get(base + main.group(1), gzipped=True)
        assert encoding == "gzip"
        assert module == (ROOT / "static/js/main.js").read_bytes()
        # A module the first one imports, by its relative path.
        imported, _ = get(base + main.group(1).replace("main.js", "api.js"))
        assert imported == (ROOT / "static/js/api.js").read_bytes()
