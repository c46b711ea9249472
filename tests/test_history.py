"""The timeline: bounded, evenly thinned, and able to show the run as it was."""

import tracemalloc

import numpy as np
from sent import build_frame
from through_json import through_json

from app.nn.model import Layer
from app.run.config import TrainingConfig
from app.run.history import BUDGET_BYTES, History, capacity
from app.run.state import at_snapshot, new_state
from app.run.training import train_steps


def test_history_stays_within_its_cap_and_covers_the_run_evenly():
    history = History(capacity=16)
    layers = [Layer(np.zeros((2, 1)), np.zeros(1))]
    for step in range(0, 10_001):
        history.record(step, layers)
        assert len(history) <= 16
    steps = np.array(history.steps)
    assert steps[0] == 0 and steps[-1] > 10_000 - 2 * history.interval
    gaps = np.diff(steps)
    assert gaps.min() == gaps.max() == history.interval  # evenly spaced


def test_capacity_follows_the_memory_budget():
    small = new_state(TrainingConfig(hidden_layers=(2,)))
    big = new_state(TrainingConfig(hidden_layers=(8,) * 6))
    assert capacity(small.layers) > capacity(big.layers) >= 16
    for _ in range(200):  # train until the timeline is full (bounded)
        train_steps(big, 10)
        if len(big.history) == capacity(big.layers):
            break
    assert len(big.history) == capacity(big.layers)
    # The real memory of the snapshots, Python objects included, not only their numbers.
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    copy = [[Layer(la.w.copy(), la.b.copy()) for la in s] for s in big.history.snapshots]
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(copy) == len(big.history) and held <= BUDGET_BYTES


def test_a_snapshot_shows_the_run_as_it_was():
    state = new_state(TrainingConfig(dataset="xor", learning_rate=0.3))
    early = new_state(TrainingConfig(dataset="xor", learning_rate=0.3))
    train_steps(state, 500)
    index = 3
    then_step = state.history.steps[index]
    train_steps(early, then_step)
    then, _ = build_frame(at_snapshot(state, index), {})
    expected, _ = build_frame(early, {})
    assert then["step"] == then_step > 0 and then["metrics"] == expected["metrics"]
    assert then["boundary"]["p"] == expected["boundary"]["p"]
    assert state.step == 500  # looking back does not rewind the run


def test_history_survives_a_snapshot_of_the_state():
    state = new_state(TrainingConfig())
    train_steps(state, 100)
    copy = through_json(state)
    assert copy.history.steps == state.history.steps
    assert np.array_equal(copy.history.snapshots[5][0].w, state.history.snapshots[5][0].w)
