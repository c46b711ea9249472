"""A script creating sessions in a loop, against real servers, while a student's page trains."""

from __future__ import annotations

import threading

import httpx2
from waiting import wait_for

# Seconds any one answer may take: a bound against a hang, not a measure of speed.
TIMEOUT = 60.0
# The servers trust X-Forwarded-For from 127.0.0.1 (uvicorn's default, and layerscope's), as
# from a reverse proxy: each of these is a client address of its own.
SCRIPT = {"X-Forwarded-For": "203.0.113.9"}
STUDENT = {"X-Forwarded-For": "198.51.100.4"}


# The servers' limit of new sessions a minute from one address, lower than the default (120)
# so that the loop passes it well within the minute on a busy machine: 31 sessions in 60 s
# leave each creation about 2 s.
LIMIT = 30


def flood_while_training(urls: list[str], limit: int = LIMIT) -> tuple[list[int], list[dict]]:
    """A training session polled round robin over ``urls`` while one address creates sessions
    round robin over them, past ``limit`` (its sessions a minute) and on until the session has
    had five frames more since the loop began. Returns the loop's statuses and the frames."""
    with httpx2.Client(timeout=TIMEOUT) as student:
        created = student.post(f"{urls[0]}/api/sessions", json={}, headers=STUDENT)
        session = f"/api/sessions/{created.json()['session_id']}"
        assert student.post(f"{urls[-1]}{session}/train").json() == {"training": True}
    frames: list[dict] = []
    failures: list[str] = []
    stop = threading.Event()

    def poll() -> None:
        with httpx2.Client(timeout=TIMEOUT) as page:
            while not stop.is_set():
                answer = page.post(f"{urls[len(frames) % len(urls)]}{session}/advance")
                if answer.status_code != 200:
                    failures.append(f"{answer.status_code} {answer.text[:200]}")
                    return
                frames.append(answer.json())

    poller = threading.Thread(target=poll)
    poller.start()
    statuses: list[int] = []
    try:
        wait_for(lambda: frames or failures)
        seen = len(frames)
        with httpx2.Client(timeout=TIMEOUT) as script:
            while len(statuses) <= limit or len(frames) < seen + 5:
                url = urls[len(statuses) % len(urls)]
                statuses.append(
                    script.post(f"{url}/api/sessions", json={}, headers=SCRIPT).status_code
                )
                assert not failures, failures
    finally:
        stop.set()
        poller.join(TIMEOUT)
    assert not failures, failures
    return statuses, frames


def check_flood(statuses: list[int], frames: list[dict], limit: int = LIMIT) -> None:
    """The loop got exactly ``limit`` sessions, then 429s; the student's frames kept coming,
    training, their steps going up."""
    assert statuses[:limit] == [201] * limit
    assert set(statuses[limit:]) == {429}
    assert all(frame["training"] for frame in frames)
    steps = [frame["step"] for frame in frames]
    assert steps == sorted(steps) and steps[-1] > steps[0]
