"""The page and its static files: versioned URLs, a year's caching, gzip for whoever asks."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import threading

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api import static_files
from app.api.module_graph import module_graph
from app.api.static_files import (
    IMMUTABLE,
    PLOTLY_JS,
    PLOTLY_PATH,
    Assets,
    accepts_gzip,
    page_directory,
)
from app.main import create_app

STATIC = page_directory("static")
FILES = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())
TEXT = [path for path in [*FILES, PLOTLY_PATH] if not path.endswith(".png")]


@pytest.fixture(scope="module")
def client():
    # One app for the module: its files are gzipped once, Plotly.js (4.8 MB) included.
    with TestClient(create_app()) as client:
        yield client


def version(client) -> str:
    return client.app.state.assets.version


def raw(client, method: str, url: str, accept: str):
    """The answer as it came over the wire, not ungzipped: (response, body bytes)."""
    with client.stream(method, url, headers={"Accept-Encoding": accept}) as response:
        return response, b"".join(response.iter_raw())


def original(path: str) -> bytes:
    return PLOTLY_JS.read_bytes() if path == PLOTLY_PATH else (STATIC / path).read_bytes()


@pytest.mark.parametrize("path", TEXT)
def test_a_text_file_is_gzipped_when_asked_and_plain_when_not(client, path):
    url = f"/static/{version(client)}/{path}"
    zipped, body = raw(client, "GET", url, "gzip, deflate, br")
    assert zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["cache-control"] == IMMUTABLE
    assert int(zipped.headers["content-length"]) == len(body) < len(original(path))
    assert gzip.decompress(body) == original(path)

    plain, body = raw(client, "GET", url, "identity")
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    assert plain.headers["cache-control"] == IMMUTABLE
    assert int(plain.headers["content-length"]) == len(body)
    assert body == original(path)
    assert plain.headers["content-type"] == zipped.headers["content-type"]


def test_media_types(client):
    types = {
        path: client.get(f"/static/{version(client)}/{path}").headers["content-type"]
        for path in ("js/main.js", "css/style.css", "favicon.svg", PLOTLY_PATH)
    }
    assert types == {
        "js/main.js": "text/javascript; charset=utf-8",
        "css/style.css": "text/css; charset=utf-8",
        "favicon.svg": "image/svg+xml",
        PLOTLY_PATH: "text/javascript; charset=utf-8",
    }


def test_an_image_goes_as_it_is(client):
    response, body = raw(client, "GET", f"/static/{version(client)}/screenshot.png", "gzip")
    assert response.headers["content-type"] == "image/png"
    assert "content-encoding" not in response.headers
    assert body == (STATIC / "screenshot.png").read_bytes()


@pytest.mark.parametrize("accept", ["gzip", "identity"])
def test_head_gives_the_headers_of_get_and_no_body(client, accept):
    for url in ["/", f"/static/{version(client)}/js/main.js"]:
        got, got_body = raw(client, "GET", url, accept)
        head, head_body = raw(client, "HEAD", url, accept)
        assert head.status_code == 200 and head_body == b""
        assert head.headers["content-length"] == str(len(got_body))
        for name in ("content-type", "content-encoding", "vary", "cache-control"):
            assert head.headers.get(name) == got.headers.get(name)


def test_the_page_is_gzipped_when_asked_and_never_cached_unasked(client):
    zipped, body = raw(client, "GET", "/", "gzip")
    plain, plain_body = raw(client, "GET", "/", "")
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert gzip.decompress(body) == plain_body
    for response in (zipped, plain):
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_every_url_in_the_page_is_versioned_and_resolves(client):
    page = client.get("/").text
    urls = re.findall(r'(?:src|href)="(/[^"]*)"', page)
    assert f"/static/{version(client)}/js/main.js" in urls
    assert f"/static/{version(client)}/{PLOTLY_PATH}" in urls
    for url in urls:
        assert url.startswith(f"/static/{version(client)}/")
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE


def test_another_version_or_file_is_a_404(client):
    right = version(client)
    wrong = "0" * len(right)
    for url in [
        f"/static/{wrong}/js/main.js",
        f"/static/{wrong}/{PLOTLY_PATH}",
        "/static/js/main.js",  # no version at all
        "/vendor/plotly.min.js",
        f"/static/{right}/js/nothing.js",
        f"/static/{right}/../app/main.py",
        f"/static/{right}/js",
    ]:
        assert client.get(url).status_code == 404, url


def serving(directory) -> TestClient:
    """Just the static files of ``directory``, served as the app serves its own."""
    app = FastAPI()
    app.state.assets = Assets(directory)
    app.include_router(static_files.router)
    return TestClient(app)


def test_a_changed_file_gets_a_new_url(tmp_path):
    copy = tmp_path / "static"
    shutil.copytree(STATIC, copy)
    before = serving(copy)
    old = before.app.state.assets.url("js/main.js")
    assert serving(copy).app.state.assets.url("js/main.js") == old  # the same files: the same

    plots = copy / "js" / "plots.js"
    plots.write_text(plots.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    after = serving(copy)
    new = after.app.state.assets.url("js/main.js")
    assert new != old
    assert after.get(new).status_code == 200
    assert after.get(old).status_code == 404
    changed = new.replace("main.js", "plots.js")
    assert after.get(changed).text.endswith("// changed\n")
    # A server started before the change goes on serving what it started with.
    assert (
        before.get(old.replace("main.js", "plots.js")).content
        == (STATIC / "js/plots.js").read_bytes()
    )


def test_a_new_file_gets_a_new_url(tmp_path):
    copy = tmp_path / "static"
    shutil.copytree(STATIC, copy)
    old = Assets(copy).version
    (copy / "js" / "new.js").write_text("export const x = 1;\n", encoding="utf-8")
    assert Assets(copy).version != old


def test_an_unknown_name_in_the_template_fails_loudly(client):
    with pytest.raises(KeyError, match="js/nothing.js"):
        client.app.state.assets.url("js/nothing.js")


def test_each_file_is_gzipped_once_however_many_ask_at_once(monkeypatch):
    assets = Assets(STATIC)
    calls = []
    compress = gzip.compress
    monkeypatch.setattr(
        static_files.gzip, "compress", lambda *a, **k: calls.append(1) or compress(*a, **k)
    )
    threads = [threading.Thread(target=assets.gzipped, args=(PLOTLY_PATH,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert assets.gzipped(PLOTLY_PATH) is assets.gzipped(PLOTLY_PATH)
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("header", "gzip_taken"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("GZip;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1.0, *;q=0.1", True),
        ("", False),
        ("identity", False),
        ("br, deflate", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding(header, gzip_taken):
    assert accepts_gzip(header) is gzip_taken


def test_the_page_names_every_module_main_js_imports_and_carries_the_options(client):
    page = client.get("/").text
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/[^/]+/([^"]+)"', page)
    # Every module main.js reaches by its imports, each once, main.js first.
    modules = {p for p in FILES if p.startswith("js/") and p.endswith(".js")}
    assert preloaded[0] == "js/main.js" and len(preloaded) == len(set(preloaded))
    assert {"js/plotly_loader.js", "js/plain_axes.js", "js/i18n.js"} <= set(preloaded) <= modules
    block = re.search(r'<script type="application/json" id="options">(.*?)</script>', page, re.S)
    assert json.loads(block.group(1)) == client.get("/api/options").json()


def test_module_graph_follows_imports_and_re_exports_breadth_first():
    contents = {
        "js/main.js": b'import { a } from "./a.js";\nimport "./side.js";\n',
        "js/a.js": b'import {\n  b,\n} from "./lib/b.js";\nexport { x } from "../js/side.js";\n',
        "js/lib/b.js": b'import { a } from "../a.js";  // a cycle\nconst s = "x";\n',
        "js/side.js": b"export const x = 1;\n",
    }
    found = module_graph(contents, "js/main.js")
    assert found == ["js/main.js", "js/a.js", "js/side.js", "js/lib/b.js"]
    with pytest.raises(ValueError, match="missing.js"):
        module_graph({"js/main.js": b'import "./missing.js";'}, "js/main.js")
