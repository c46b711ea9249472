"""Several server processes sharing one Redis, as several hosts behind a round-robin balancer:
any process serves any request of any session, and no update is lost."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx2
import pytest
from flooding import LIMIT, check_flood, flood_while_training

from benchmarks.server import running_server


@pytest.fixture(scope="module")
def two_servers(redis_url):
    """Two `layerscope` processes on two ports, one store: their base URLs. (With the flood
    test's limit of new sessions a minute from one address: the other tests start a few.)"""
    with contextlib.ExitStack() as stack:
        urls = []
        for _ in range(2):
            args = ("-m", "app.cli", "--store", redis_url, "--host", "127.0.0.1")
            args += ("--sessions-per-minute", str(LIMIT), "--port")
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


def politely(send: Callable[[], httpx2.Response]) -> httpx2.Response:
    """A request, sent again after Retry-After while the session's limit of requests a second
    refuses it (429), as a polite client does: eight threads at once ask one session far more
    often than a page. A refused request changes nothing."""
    for _ in range(100):
        response = send()
        if response.status_code != 429:
            break
        time.sleep(float(response.headers["Retry-After"]))
    return response


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
                    politely(lambda: client.post(f"{session}/step", json={"steps": 1})),
                    politely(lambda: client.get(f"{session}/frame")),
                    politely(lambda: client.post(f"{session}/advance")),
                ]
                if k == n % steps_each:
                    view = views[n % 2]
                    answers.append(
                        politely(lambda view=view: client.put(f"{session}/view", json=view))
                    )
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


def test_a_loop_creating_sessions_over_both_processes_is_stopped_at_one_shared_limit(
    two_servers,
):
    """The script's sessions a minute are counted in Redis: over the two processes together,
    the limit once, not once each. Meanwhile a training session, polled on both, keeps its
    frames."""
    check_flood(*flood_while_training(two_servers))
