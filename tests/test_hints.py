"""Hints when training goes wrong: the rules on hand-made loss histories, then each hint
provoked through the API by a run that really goes wrong (deterministic by its seed)."""

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.api.schemas import NETWORK_EXAMPLE
from app.main import create_app
from app.pictures.hints import plain, training_hint
from app.run.config import TrainingConfig

DEFAULT = TrainingConfig()


def hint_key(steps, losses, score=0.5, config=DEFAULT, **divergence):
    hint = training_hint(list(steps), list(losses), score, config, **divergence)
    return None if hint is None else hint["key"]


def every(step: int, until: int) -> list[int]:
    return list(range(0, until + 1, step))


# ---- the rules, one by one -----------------------------------------------------------------


@pytest.mark.parametrize(
    "reason, key",
    [
        ("weight_limit", "hint.diverged.weight_limit"),
        ("not_finite", "hint.diverged.not_finite"),
        (None, "hint.diverged"),
    ],
)
def test_a_run_that_diverged_says_why_and_suggests_a_tenth_of_the_rate(reason, key):
    config = TrainingConfig(learning_rate=0.3)
    hint = training_hint([0, 5], [0.7, 0.6], 0.5, config, diverged=True, diverged_reason=reason)
    assert hint["key"] == key and hint["vars"]["rate"] == "0.03"
    assert hint["vars"]["limit"] == "1,000,000"


def test_the_rate_suggested_is_a_plain_decimal():
    rates = {10: "1", 0.03: "0.003", 0.0001: "0.00001", 3: "0.3"}
    for rate, shown in rates.items():
        hint = training_hint([0], [1.0], 0.5, TrainingConfig(learning_rate=rate), diverged=True)
        assert hint["vars"]["rate"] == shown


def test_a_loss_that_swings_up_and_down():
    swinging = [0.7, 5, 12.7, 9.8, 12.7, 9.8, 12.7, 9.8, 12.7, 9.8, 12.7, 9.8]
    assert hint_key(every(5, 55), swinging) == "hint.swing"
    # Ups and downs of a few percent are a batch's noise, not a swing.
    noisy = [0.70, 0.69, 0.695, 0.68, 0.69, 0.675, 0.685, 0.67, 0.68, 0.665, 0.675, 0.66]
    assert hint_key(every(5, 55), noisy) is None
    # Two big rises among the last points are not yet a swing.
    twice = [1.0, 0.8, 1.5, 0.7, 0.6, 1.2, 0.5, 0.45, 0.4, 0.38, 0.36, 0.35]
    assert hint_key(every(5, 55), twice) is None
    # Nor are three long ago, before the loss settled.
    settled = swinging + [0.5 * 0.9**k for k in range(12)]
    assert hint_key(every(5, 115), settled) is None


def test_numbers_in_hints_are_written_as_the_page_writes_them():
    # The examples of static/js/numbers.js plain(), whose rule hints.plain() repeats.
    written = {
        12345: "12,345",
        123.4: "123",
        12.34: "12.3",
        0.1874: "0.187",
        0.0131: "0.013",
        0.0042: "0.0042",
        0.004: "0.0040",
        0.0000012: "0.0000012",
        2.3e-16: "2.3 × 10⁻¹⁶",
        4.5e12: "4.5 × 10¹²",
        0: "0",
        float("inf"): "∞",
    }
    assert {value: plain(value) for value in written} == written


def test_a_loss_above_where_it_started():
    # A swing of period two seen every other step looks flat, and far above the start.
    flat_high = [0.7, 11.9, 9.76, 9.76, 9.76, 9.76, 9.76]
    hint = training_hint(every(10, 60), flat_high, 0.5, DEFAULT)
    assert hint["key"] == "hint.high" and hint["vars"]["start"] == "0.700"
    assert hint_key(every(10, 50), flat_high[:-1]) is None  # above for five points only
    assert hint_key(every(10, 60), [0.7, 0.8, 0.83, 0.83, 0.83, 0.83, 0.83]) is None  # < 1.2×


def flat(until: int = 900, at: float = 0.64, step: int = 10) -> tuple[list[int], list[float]]:
    """A loss that falls at first, then stays at ``at``."""
    steps = every(step, until)
    return steps, [at + 0.05 * np.exp(-s / 50) for s in steps]


def test_a_stall_far_from_a_good_score():
    steps, losses = flat()
    assert hint_key(steps, losses, 0.69) == "hint.stall.optimizer"
    assert hint_key(steps, losses, 0.95) is None  # a good score: the data may allow no better
    assert hint_key(steps, losses, None) is None  # no score to judge by
    # Still falling by more than 2% over the last third: no stall.
    falling = [0.7 * 0.9995**s for s in steps]
    assert hint_key(steps, falling, 0.8) is None
    # Too soon to tell: fewer than 300 steps recorded, or too few points in the last third.
    short_steps, short_losses = flat(until=290)
    assert hint_key(short_steps, short_losses, 0.5) is None
    assert hint_key([0, 100, 200, 300, 400], [0.7, 0.64, 0.64, 0.64, 0.64], 0.5) is None


def test_a_stall_with_noise_is_judged_on_means():
    rng = np.random.default_rng(0)
    steps, losses = flat()
    noisy = list(np.array(losses) + rng.normal(0, 0.01, len(losses)))
    assert hint_key(steps, noisy, 0.69) == "hint.stall.optimizer"


@pytest.mark.parametrize(
    "settings, key",
    [
        ({"hidden_layers": ()}, "hint.stall.line"),
        ({"hidden_layers": (), "features": ("x1", "x2", "x1*x2")}, "hint.stall.optimizer"),
        ({"optimizer": "momentum"}, "hint.stall.optimizer"),
        ({"optimizer": "adam"}, "hint.stall.capacity"),
    ],
)
def test_the_fix_suggested_for_a_stall_fits_the_network(settings, key):
    steps, losses = flat()
    assert hint_key(steps, losses, 0.5, TrainingConfig(**settings)) == key


def test_a_stall_names_the_score_of_its_problem():
    steps, losses = flat()
    accuracy = training_hint(steps, losses, 0.694, DEFAULT)["vars"]["score"]
    assert accuracy == {"key": "hint.score.accuracy", "vars": {"pct": 69}}
    regression = TrainingConfig(dataset="gaussians")
    r2 = training_hint(steps, losses, 0.4321, regression)["vars"]["score"]
    assert r2 == {"key": "hint.score.r2", "vars": {"value": "0.43"}}


def test_missing_losses_are_skipped_and_none_means_no_hint():
    assert hint_key([], [], 0.5) is None
    assert hint_key([0, 5], [None, None], 0.5) is None
    steps, losses = flat()
    losses[3] = None
    assert hint_key(steps, losses, 0.5) == "hint.stall.optimizer"


# ---- provoked through the API --------------------------------------------------------------


@pytest.fixture
def client():
    with TestClient(create_app()) as client:
        yield client


def session(client, **config) -> str:
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 201, r.text
    assert r.json()["frame"]["hint"] is None
    return r.json()["session_id"]


def steps_until(client, sid: str, per: int, most: int) -> list[dict]:
    """Steps ``per`` at a time (each request's frame notes one loss), up to ``most`` steps;
    the frames."""
    frames = []
    while not frames or frames[-1]["step"] < most:
        frame = client.post(f"/api/sessions/{sid}/step", json={"steps": per}).json()
        frames.append(frame)
        if frame["stopped_reason"]:
            break
    return frames


def first_hint(frames: list[dict]) -> tuple[int, dict] | None:
    return next(((f["step"], f["hint"]) for f in frames if f["hint"]), None)


def test_learning_rate_10_swings_and_the_hint_says_lower_it(client):
    sid = session(client, learning_rate=10)
    frames = steps_until(client, sid, 5, 100)  # at odd intervals the swing shows
    step, hint = first_hint(frames)
    assert hint == {"key": "hint.swing", "vars": {"rate": "1"}} and step <= 60
    assert frames[-1]["metrics"]["train_accuracy"] == pytest.approx(0.5)
    assert frames[-1]["hint"] == hint  # it stays while the loss swings


def test_learning_rate_10_seen_at_even_intervals_is_above_where_it_started(client):
    sid = session(client, learning_rate=10)
    step, hint = first_hint(steps_until(client, sid, 10, 150))
    assert hint["key"] == "hint.high" and hint["vars"]["rate"] == "1" and step <= 100


def test_the_spiral_stalls_with_plain_sgd_and_the_hint_says_try_adam(client):
    sid = session(client, dataset="spiral")
    frames = steps_until(client, sid, 10, 600)
    step, hint = first_hint(frames)
    assert hint["key"] == "hint.stall.optimizer" and 300 <= step <= 400
    assert hint["vars"]["score"]["vars"]["pct"] < 75
    assert frames[-1]["hint"] == {**hint, "vars": {"score": frames[-1]["hint"]["vars"]["score"]}}
    # With Adam, as the hint says, the same spiral is learnt, and no hint comes.
    sid = session(client, dataset="spiral", optimizer="adam")
    frames = steps_until(client, sid, 10, 900)
    assert first_hint(frames) is None and frames[-1]["metrics"]["train_accuracy"] > 0.95


def test_a_straight_line_on_the_textbook_points_stalls_and_the_hint_says_add_a_layer(client):
    sid = session(client, dataset="class-ab", hidden_layers=[])
    step, hint = first_hint(steps_until(client, sid, 10, 400))
    assert hint["key"] == "hint.stall.line" and step <= 400


def test_a_run_that_trains_well_gets_no_hint(client):
    sid = session(client)
    frames = steps_until(client, sid, 5, 600)
    assert first_hint(frames) is None and frames[-1]["metrics"]["train_accuracy"] > 0.95


def test_a_blow_up_by_the_weight_limit_says_so(client):
    sid = session(client, dataset="class-ab", activation="linear", learning_rate=10)
    frame = client.post(f"/api/sessions/{sid}/step", json={"steps": 100}).json()
    assert frame["stopped_reason"] == "diverged"
    assert frame["hint"]["key"] == "hint.diverged.weight_limit"
    exported = client.get(f"/api/sessions/{sid}/export").json()
    assert exported["diverged"] is True and exported["diverged_reason"] == "weight_limit"
    # The file carries the reason back in.
    other = session(client)
    r = client.post(f"/api/sessions/{other}/import", json=exported)
    assert r.status_code == 200, r.text
    assert r.json()["frame"]["hint"]["key"] == "hint.diverged.weight_limit"


def test_a_blow_up_by_an_infinite_value_says_so(client):
    # Adam's memory carrying a mean gradient near the largest double: the next update
    # overflows to infinity, where no weight was anywhere near the limit before.
    layer = lambda value: {"w": [[value], [value]], "b": [value]}  # noqa: E731
    config = {**NETWORK_EXAMPLE["config"], "optimizer": "adam", "learning_rate": 10}
    memory = {"t": 1, "m": [layer(1e308)], "v": [layer(1.0)]}
    sid = session(client)
    run = {**NETWORK_EXAMPLE, "config": config, "optimizer": memory}
    assert client.post(f"/api/sessions/{sid}/import", json=run).status_code == 200
    frame = client.post(f"/api/sessions/{sid}/step").json()
    assert frame["stopped_reason"] == "diverged" and frame["step"] == 1  # nothing taken
    assert frame["hint"] == {
        "key": "hint.diverged.not_finite",
        "vars": {"rate": "1", "limit": "1,000,000"},
    }
    exported = client.get(f"/api/sessions/{sid}/export")
    assert json.loads(exported.text)["diverged_reason"] == "not_finite"


def test_a_file_from_before_reasons_were_kept_still_imports(client):
    sid = session(client)
    old = {**NETWORK_EXAMPLE, "diverged": True}
    assert "diverged_reason" not in old
    r = client.post(f"/api/sessions/{sid}/import", json=old)
    assert r.status_code == 200, r.text
    assert r.json()["frame"]["hint"]["key"] == "hint.diverged"
    r = client.post(f"/api/sessions/{sid}/import", json={**old, "diverged_reason": "boredom"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "diverged_reason"
