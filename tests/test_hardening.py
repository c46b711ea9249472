"""Hardening: security headers, health, production mode, parallel calls on one session,
bounded memory for many sessions, and a clean stop on SIGTERM."""

from __future__ import annotations

import gc
import random
import re
import signal
import threading
import tracemalloc
import urllib.request

import pytest
from fastapi.testclient import TestClient

from app.api.limits import RateLimits
from app.api.security import CONTENT_SECURITY_POLICY
from app.main import create_app
from app.run.config import TrainingConfig
from app.sessions.service import SessionService
from app.sessions.store import MemoryStore
from benchmarks.server import running_server


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/", "/api/options", "js/main.js", "/healthz", "/api/sessions/nope"]
)
def test_every_response_carries_the_security_headers(client, path):
    if not path.startswith("/"):
        path = client.app.state.assets.url(path)  # a static file, under its version
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_the_page_has_no_inline_script(client):
    html = client.get("/").text
    url = client.app.state.assets.url
    # The options block is data, which the browser never runs; Plotly.js is added by main.js.
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script type="application/json" id="options">',
        f'<script type="module" src="{url("js/main.js")}">',
    ]
    assert re.search(r"\son[a-z]+\s*=", html) is None  # no onclick= and the like


def test_healthz_names_the_store_and_counts_sessions(client):
    ok = {"status": "ok", "store": "memory", "store_answers": True}
    assert client.get("/healthz").json() == {**ok, "sessions": 0}
    client.post("/api/sessions", json={})
    assert client.get("/healthz").json() == {**ok, "sessions": 1}


def test_healthz_says_when_redis_does_not_answer_and_never_shows_its_url():
    url = "redis://:secret-password@127.0.0.1:1/0"  # nothing listens on port 1
    with TestClient(create_app(url)) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "store not answering",
        "store": "redis",
        "store_answers": False,
        "sessions": None,
    }
    assert "secret" not in answer.text


def test_production_mode_has_no_docs_pages():
    with TestClient(create_app(docs=False)) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 404
        assert client.post("/api/sessions", json={}).status_code == 201
    with TestClient(create_app()) as client:
        assert client.get("/docs").status_code == 200


def test_session_ids_are_long_and_random(client):
    ids = {client.post("/api/sessions", json={}).json()["session_id"] for _ in range(20)}
    assert len(ids) == 20
    # token_urlsafe(n) gives about 1.3 characters per byte: 22 or more carry 128 bits.
    assert min(len(i) for i in ids) >= 22


def test_parallel_calls_on_one_session_are_serialised():
    """Threads fire steps, resets, new seeds, train and pause at one session at once. Every
    call must succeed, and the frames, put in the order the session applied them (their
    revision), must be exactly what those calls would give one after another. (Far faster
    than a page asks: without the limit on requests a second to one session.)"""
    unlimited = RateLimits(session_requests_per_second=10**9)
    with TestClient(create_app(limits=unlimited)) as client:
        check_parallel_calls(client)


def check_parallel_calls(client: TestClient) -> None:
    sid = client.post("/api/sessions", json={"n_points": 40}).json()["session_id"]
    url = f"/api/sessions/{sid}"
    results, failures = [], []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(15):
            kind = rng.choice(["step", "step", "step", "reset", "config", "train", "pause"])
            if kind == "step":
                k = rng.randint(1, 3)
                r = client.post(f"{url}/step", json={"steps": k})
            elif kind == "reset":
                k, r = 0, client.post(f"{url}/reset")
            elif kind == "config":
                k = rng.randint(1, 99)
                r = client.put(f"{url}/config", json={"n_points": 40, "seed": k})
            else:
                k, r = 0, client.post(f"{url}/{kind}")
            if r.status_code != 200:
                failures.append((kind, r.status_code, r.text[:200]))
            elif kind in ("step", "reset", "config"):
                frame = r.json()["frame"] if kind == "config" else r.json()
                results.append((frame["revision"], kind, k, frame["step"]))

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(results) > 30
    results.sort()
    revisions = [r[0] for r in results]
    assert len(set(revisions)) == len(revisions), "two changes saw the same revision"
    step = None
    for _, kind, k, seen in results:
        if kind == "step":
            # A step after an unknown start (the very first one) can only be checked from then on.
            assert step is None or seen == step + k
        else:
            assert seen == 0
        step = seen
    final = client.get(f"{url}/frame").json()
    assert final["step"] == step and final["revision"] >= revisions[-1]


@pytest.mark.anyio
async def test_many_sessions_stay_within_the_cap_and_a_memory_bound():
    """Creating sessions in a loop: the store keeps at most its cap, each new session taking
    the place of one never used since its creation, so memory levels off and the sessions in
    use stay. (The default cap is 1000; the benchmark measures that case. Here: cap 20, 10 of
    them in use, 400 new sessions.)"""
    store = MemoryStore(max_sessions=20)
    sessions = SessionService(store)
    # A smaller frame cache than the sessions it would hold: only the store's cap matters here.
    sessions.frames.size = sessions.records.RECORDS_KEPT = 20
    config = TrainingConfig()
    tracemalloc.start()
    try:
        in_use = [(await sessions.create(config))[0] for _ in range(10)]
        for sid in in_use:
            await sessions.frame(sid)  # their pages asked for a frame
        for _ in range(10):
            await sessions.create(config)
        gc.collect()
        full = tracemalloc.get_traced_memory()[0]
        for _ in range(400):
            await sessions.create(config)
            assert await store.count() <= 20
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - full
    finally:
        tracemalloc.stop()
    # 400 new sessions replaced the 10 never used: memory is where it was with 20.
    assert grown < 0.1 * full, f"{grown} bytes more than with the first 20 ({full})"
    for sid in in_use:
        assert (await sessions.read(sid))[1] == 0


def test_the_server_binds_localhost_and_stops_cleanly_on_sigterm(tmp_path):
    with (tmp_path / "uvicorn.log").open("w+b") as log:
        with running_server("-m", "app.cli", "--port", log=log) as (server, port):
            # Bounds against a hang, not measures of speed.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as r:
                assert r.status == 200
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        log.seek(0)
        output = log.read().decode()
    # uvicorn finishes its shutdown, then ends by the signal it caught (as a shell expects).
    assert server.returncode in (0, -signal.SIGTERM)
    assert f"http://127.0.0.1:{port}" in output
    assert "Application shutdown complete" in output
    assert "GET /healthz" not in output  # requests are not logged unless asked (--access-log)
