"""Several server processes sharing one Redis, as several hosts behind a round-robin balancer:
any process serves any request of any session, and no update is lost."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter

import httpx2
import pytest

from benchmarks.server import running_server


@pytest.fixture(scope="module")
def two_servers(redis_url):
    """Two `layerscope` processes on two ports, one store: their base URLs."""
    with contextlib.ExitStack() as stack:
        urls = []
        for _ in range(2):
            args = ("-m", "app.cli", "--store", redis_url, "--host", "127.0.0.1", "--port")
            _, port = stack.enter_context(running_server(*args))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls


@pytest.fixture
def clients(two_servers):
    with httpx2.Client(base_url=two_servers[0]) as a, httpx2.Client(base_url=two_servers[1]) as b:
        yield a, b


def test_a_session_made_on_one_process_is_served_by_the_other(clients):
    a, b = clients
    created = a.post("/api/sessions", json={"dataset": "xor", "hidden_layers": [4]})
    assert created.status_code == 201
    session = f"/api/sessions/{created.json()['session_id']}"
    assert b.post(f"{session}/step", json={"steps": 7}).json()["step"] == 7
    assert a.get(f"{session}/frame").json()["step"] == 7  # a Step on one is seen on the other
    assert b.get(session).json()["step"] == 7
    assert b.get("/healthz").json()["store"] == "redis"


def test_training_alternating_between_processes_only_moves_forward(clients):
    a, b = clients
    created = a.post("/api/sessions", json={"dataset": "circle", "hidden_layers": [4]}).json()
    session = f"/api/sessions/{created['session_id']}"
    assert b.post(f"{session}/train").json() == {"training": True}
    seen = []
    for i in range(30):  # every poll to the other process, as round robin does
        frame = (a, b)[i % 2].post(f"{session}/advance").json()
        assert frame["training"] is True
        seen.append((frame["revision"], frame["step"]))
    revisions, steps = zip(*seen, strict=True)
    assert list(revisions) == sorted(set(revisions))  # strictly increasing: no revision twice
    assert list(steps) == sorted(steps) and steps[-1] > steps[0]
    a.post(f"{session}/pause")
    paused = b.get(f"{session}/frame").json()
    assert paused["training"] is False and paused["step"] >= steps[-1]
    # The timeline grew on both processes' watch, in one list.
    assert paused["timeline"][0] == 0 and paused["timeline"] == sorted(paused["timeline"])
    assert b.get(f"{session}/frame", params={"at": len(paused["timeline"]) - 1}).status_code == 200


def test_concurrent_changes_from_eight_threads_over_two_processes_lose_nothing(two_servers):
    with httpx2.Client(base_url=two_servers[0]) as setup:
        created = setup.post("/api/sessions", json={"dataset": "moons", "hidden_layers": [5]})
        session = f"/api/sessions/{created.json()['session_id']}"
    steps_each, views = (
        6,
        [
            {"layer": 1, "projection": "pca", "dims": 2},
            {"layer": 1, "projection": "neurons", "dims": 2, "neurons": [0, 3]},
        ],
    )
    done = Counter()
    failures = []

    def work(n: int) -> None:
        # Each thread talks to one process, half the threads to each; steps, a view change
        # and polls, interleaved.
        with httpx2.Client(base_url=two_servers[n % 2], timeout=30) as client:
            for k in range(steps_each):
                answers = [
                    client.post(f"{session}/step", json={"steps": 1}),
                    client.get(f"{session}/frame"),
                    client.post(f"{session}/advance"),
                ]
                if k == n % steps_each:
                    answers.append(client.put(f"{session}/view", json=views[n % 2]))
                    done["views"] += 1
                failures.extend(r.text for r in answers if r.status_code != 200)
                done["steps"] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with httpx2.Client(base_url=two_servers[1]) as check:
        frame = check.get(f"{session}/frame").json()
    # One after another, they would give: a step each, a revision for every change.
    assert frame["step"] == done["steps"] == 8 * steps_each
    assert frame["revision"] == done["steps"] + done["views"]
