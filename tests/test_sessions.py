"""The event loop's share of the work (trainer slices, polls) never waits for a request."""

import threading
import time

from fastapi.testclient import TestClient

from app.main import create_app
from app.sessions import SessionStore
from app.training import TrainingConfig


def test_the_trainer_skips_a_session_a_request_holds():
    session = SessionStore().create(TrainingConfig())
    session.start_training()
    with session.lock:  # a long request on this session, in another thread
        started = time.monotonic()
        session.train_tick(unwatched=False)
        assert time.monotonic() - started < 0.1 and session.state.step == 0
        assert session.frame_at_once() is None
    session.train_tick(unwatched=False)
    assert session.state.step == session.config.steps_per_frame
    assert session.frame_at_once()["step"] == session.state.step


def test_an_unwatched_session_is_paused_by_its_next_slice():
    session = SessionStore().create(TrainingConfig())
    session.start_training()
    session.train_tick(unwatched=True)
    assert not session.training and session.stopped_reason == "idle" and session.state.step == 0


def test_a_poll_waits_off_the_event_loop_for_a_busy_session():
    store = SessionStore()
    with TestClient(create_app(store=store, trainer_period=3600)) as client:
        busy, other = (client.post("/api/sessions", json={}).json()["session_id"] for _ in "ab")
        held = store.get(busy).lock
        held.acquire()  # a long request on the busy session, over in 2 s
        threading.Timer(2.0, held.release).start()
        answers = []
        waiting = threading.Thread(
            target=lambda: answers.append(client.get(f"/api/sessions/{busy}/frame"))
        )
        waiting.start()
        time.sleep(0.2)  # the busy poll is waiting now
        started = time.monotonic()
        assert client.get(f"/api/sessions/{other}/frame").status_code == 200
        assert time.monotonic() - started < 1.0  # the event loop was free to answer it
        assert not answers  # while the busy poll still waits
        waiting.join(timeout=10)
        assert answers and answers[0].status_code == 200 and answers[0].json()["step"] == 0
