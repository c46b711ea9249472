"""What one client may send (app/api/limits.py), through TestClient: bodies bounded before they
are read, the rates of new sessions and of requests to a session, HEAD wherever GET, and a
closed page's session. (Against a real server: tests/test_server_faults.py, test_workers.py.)"""

from __future__ import annotations

import asyncio
import json
import random
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import cli
from app.api import routes
from app.api.limits import (
    IMPORT_MAX_BYTES,
    JSON_MAX_BYTES,
    RateLimits,
    largest_network_file,
)
from app.api.schemas import LIMITS, ConfigBody, NetworkFile
from app.main import create_app
from app.nn.features import FEATURES
from app.run.points import MAX_CSV_BYTES
from app.sessions.service import CLOSE_GRACE
from app.sessions.store import MAX_SESSIONS, MemoryStore


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def new_session(client: TestClient, **config: object) -> str:
    created = client.post("/api/sessions", json=config)
    assert created.status_code == 201, created.text
    return created.json()["session_id"]


def padded(body: dict, size: int) -> bytes:
    """``body`` as JSON of exactly ``size`` bytes (spaces after it: still the same JSON)."""
    text = json.dumps(body).encode()
    assert len(text) <= size
    return text + b" " * (size - len(text))


def in_chunks(data: bytes, size: int = 16 * 1024):
    """A body sent chunked, without a Content-Length: counted as it streams."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def too_large(limit: int) -> dict:
    return {"detail": f"request body too large: at most {limit // 1024} KB"}


# ---- bodies ---------------------------------------------------------------------------------


def test_a_json_body_may_fill_its_limit_and_no_more(client):
    sid = new_session(client)
    step = f"/api/sessions/{sid}/step"
    headers = {"Content-Type": "application/json"}
    exactly = client.post(step, content=padded({"steps": 2}, JSON_MAX_BYTES), headers=headers)
    assert exactly.status_code == 200 and exactly.json()["step"] == 2
    over = client.post(step, content=padded({"steps": 2}, JSON_MAX_BYTES + 1), headers=headers)
    assert over.status_code == 413 and over.json() == too_large(JSON_MAX_BYTES)
    assert over.headers["connection"] == "close"  # the rest of a body is never read
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 2  # nothing changed


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    "method, path, limit, content_type",
    [
        ("POST", "/import", IMPORT_MAX_BYTES, "application/json"),
        ("PUT", "/data.csv", MAX_CSV_BYTES, "text/csv"),
        ("PUT", "/config", JSON_MAX_BYTES, "application/json"),
    ],
)
def test_every_body_over_its_limit_is_refused(client, method, path, limit, content_type, chunked):
    sid = new_session(client)
    before = client.get(f"/api/sessions/{sid}/frame").json()
    body = b" " * (limit + 1)
    content = in_chunks(body) if chunked else body
    refused = client.request(
        method,
        f"/api/sessions/{sid}{path}",
        content=content,
        headers={"Content-Type": content_type},
    )
    assert refused.status_code == 413 and refused.json() == too_large(limit)
    assert client.get(f"/api/sessions/{sid}/frame").json()["revision"] == before["revision"]


def test_other_json_bodies_are_far_below_their_limit():
    # The longest settings: every feature, every layer, every number a float of 17 digits.
    floats = {
        name: low + (high - low) * 0.12345678901234567
        for name, (low, high) in LIMITS.items()
        if name in ConfigBody.model_fields
        and ConfigBody.model_fields[name].annotation in (float, "float")
    }
    assert len(floats) == 7
    largest = ConfigBody(
        dataset="custom-targets", features=list(FEATURES), hidden_layers=[8] * 6, **floats
    )
    assert len(json.dumps(largest.model_dump(), indent=4)) < 1024 < JSON_MAX_BYTES / 4


def test_the_import_limit_holds_the_largest_valid_file_twice():
    largest = largest_network_file()
    NetworkFile.model_validate(largest)  # valid, as far as the file's schema goes
    written = json.dumps(largest, indent=1)  # as the page's Export writes it
    assert 2 * len(written) <= IMPORT_MAX_BYTES < 2 * len(written) + 1024


def largest_run(client: TestClient) -> str:
    """A session as large as a run gets: 6 layers of 8 on every feature, Adam, 1000 custom
    points of 5 classes at full precision."""
    rng = random.Random(0)
    rows = [
        f"{rng.uniform(-10, 10)!r},{rng.uniform(-10, 10)!r},{k % 5},{('train', 'test')[k % 3 == 0]}"
        for k in range(1000)
    ]
    config = {"features": list(FEATURES), "hidden_layers": [8] * 6, "optimizer": "adam"}
    sid = new_session(client, **config)
    csv = "x1,x2,label,split\n" + "\n".join(rows)
    uploaded = client.put(f"/api/sessions/{sid}/data.csv", content=csv)
    assert uploaded.json()["config"]["classes"] == 5, uploaded.text
    client.post(f"/api/sessions/{sid}/step", json={"steps": 20})
    return sid


def test_the_largest_run_exported_fits_the_bound_and_imports(client):
    exported = client.get(f"/api/sessions/{largest_run(client)}/export").json()
    assert len(exported["data"]["x"]) == 1000 and exported["optimizer"]["m"]
    written = json.dumps(exported, indent=1)
    assert len(written) <= len(json.dumps(largest_network_file(), indent=1))
    # Even pretty-printed more loosely by hand, it goes back in.
    loose = json.dumps(exported, indent=2).encode()
    assert len(loose) <= IMPORT_MAX_BYTES
    other = new_session(client)
    restored = client.post(
        f"/api/sessions/{other}/import", content=loose, headers={"Content-Type": "application/json"}
    )
    assert restored.status_code == 200, restored.text[:300]
    assert restored.json()["frame"]["step"] == exported["step"]


def test_an_imported_file_is_read_off_the_event_loop(client, monkeypatch):
    threads = []
    read = routes.imported_run

    def watched(raw: bytes):
        try:
            asyncio.get_running_loop()
            threads.append("event loop")
        except RuntimeError:
            threads.append("worker thread")
        return read(raw)

    monkeypatch.setattr(routes, "imported_run", watched)
    sid = new_session(client)
    exported = client.get(f"/api/sessions/{sid}/export").json()
    assert client.post(f"/api/sessions/{sid}/import", json=exported).status_code == 200
    bad = client.post(f"/api/sessions/{sid}/import", content=b"{", headers={})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "body"
    assert threads == ["worker thread"] * 2


# ---- rates ----------------------------------------------------------------------------------


def test_new_sessions_are_limited_per_client_address():
    app = create_app(limits=RateLimits(sessions_per_minute=3))
    with TestClient(app, client=("10.0.0.1", 5000)) as one:
        created = [one.post("/api/sessions", json={}).status_code for _ in range(4)]
        assert created == [201, 201, 201, 429]
        refused = one.post("/api/sessions", json={})
        assert refused.json() == {
            "detail": "too many new sessions from one address: at most 3 a minute"
        }
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # Another address (the app's state is the first client's: no lifespan of its own).
        other = TestClient(app, client=("10.0.0.2", 5000))
        assert other.post("/api/sessions", json={}).status_code == 201
        # The limit is on new sessions only: the first address's sessions carry on.
        sid = other.post("/api/sessions", json={}).json()["session_id"]
        assert one.post(f"/api/sessions/{sid}/step", json={}).status_code == 200


def test_requests_are_limited_per_session_never_per_address():
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    limits = RateLimits(session_requests_per_second=5)
    with TestClient(create_app(store=store, limits=limits)) as client:
        busy, quiet = new_session(client), new_session(client)
        answers = [client.get(f"/api/sessions/{busy}/frame").status_code for _ in range(6)]
        assert answers == [200] * 5 + [429]
        refused = client.post(f"/api/sessions/{busy}/step", json={})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert refused.json() == {"detail": "too many requests to one session: at most 5 a second"}
        # From the same address, another session is served: the limit is the session's.
        assert client.get(f"/api/sessions/{quiet}/frame").status_code == 200
        now[0] += 1.0  # the next second
        assert client.post(f"/api/sessions/{busy}/step", json={}).status_code == 200


# ---- HEAD -----------------------------------------------------------------------------------


def test_head_works_wherever_get_does(client):
    sid = new_session(client)
    client.post(f"/api/sessions/{sid}/step", json={"steps": 3})
    # Every GET route: the API's (in its schema, /healthz included), the page, its files, the
    # API's documentation pages.
    paths = [path for path, ops in client.app.openapi()["paths"].items() if "get" in ops]
    assert {"/healthz", "/api/options", "/api/sessions/{session_id}/frame"} <= set(paths)
    paths += ["/", "/static/{version}/js/main.js", "/docs", "/redoc", "/openapi.json"]
    version = client.app.state.assets.version
    for path in paths:
        url = path.replace("{session_id}", sid).replace("{version}", version)
        client.get(url)  # once first: the Compare view's answer says whether it was cached
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head.content == b"", url
        assert head.headers.get("content-type") == got.headers.get("content-type"), url
        if "content-length" in got.headers:
            assert head.headers["content-length"] == got.headers["content-length"], url


def test_head_of_a_route_without_get_is_refused_as_its_get_would_be(client):
    sid = new_session(client)
    refused = client.head(f"/api/sessions/{sid}/step")
    assert refused.status_code == 405 and refused.content == b""
    assert refused.headers["allow"] == "POST"


# ---- a closed page --------------------------------------------------------------------------


def test_a_closed_pages_session_goes_unless_taken_back_in_time():
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    with TestClient(create_app(store=store)) as client:
        closed, reloaded = new_session(client), new_session(client)
        for sid in (closed, reloaded):
            assert client.post(f"/api/sessions/{sid}/close").status_code == 204
        assert client.post(f"/api/sessions/{closed}/close").status_code == 204  # idempotent
        assert client.post("/api/sessions/unknown/close").status_code == 204
        # The page's beacon sends no body; a large one is refused unread.
        refused = client.post(f"/api/sessions/{closed}/close", content=b" " * (JSON_MAX_BYTES + 1))
        assert refused.status_code == 413
        now[0] += CLOSE_GRACE / 2
        assert client.get(f"/api/sessions/{reloaded}").status_code == 200  # the page is back
        now[0] += CLOSE_GRACE
        assert client.get(f"/api/sessions/{closed}").status_code == 404
        assert client.get(f"/api/sessions/{reloaded}/frame").status_code == 200
        assert client.get("/healthz").json()["sessions"] == 1


def test_the_page_refuses_files_at_the_servers_limits():
    main = (Path(__file__).resolve().parent.parent / "static" / "js" / "main.js").read_text()
    page = {
        name: int(kb) * 1024
        for name, kb in re.findall(r"const (MAX_\w+_BYTES) = (\d+) \* 1024;", main)
    }
    assert page == {"MAX_IMPORT_BYTES": IMPORT_MAX_BYTES, "MAX_CSV_BYTES": MAX_CSV_BYTES}


def test_layerscope_options_default_to_the_apps_limits(monkeypatch):
    for name in (
        "LAYERSCOPE_MAX_SESSIONS",
        "LAYERSCOPE_SESSIONS_PER_MINUTE",
        "FORWARDED_ALLOW_IPS",
    ):
        monkeypatch.delenv(name, raising=False)
    args = cli.parser().parse_args([])
    assert args.max_sessions == MAX_SESSIONS
    assert args.sessions_per_minute == RateLimits().sessions_per_minute
    assert args.forwarded_allow_ips == "127.0.0.1"  # uvicorn's own default
    monkeypatch.setenv("LAYERSCOPE_SESSIONS_PER_MINUTE", "500")
    assert cli.parser().parse_args([]).sessions_per_minute == 500
    assert RateLimits.from_environment().sessions_per_minute == 500


@pytest.mark.parametrize("value", ["0", "abc", "-3"])
def test_a_limit_set_in_the_environment_must_be_a_whole_number_of_at_least_one(monkeypatch, value):
    monkeypatch.setenv("LAYERSCOPE_SESSION_REQUESTS_PER_SECOND", value)
    with pytest.raises(ValueError, match="LAYERSCOPE_SESSION_REQUESTS_PER_SECOND must be"):
        RateLimits.from_environment()
