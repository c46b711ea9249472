"""Training runs: determinism, serialisation, the split, convergence and divergence."""

from dataclasses import replace

import numpy as np
import pytest
from sent import build_frame
from through_json import through_json

from app.run.config import TrainingConfig
from app.run.saved import run_from_plain, run_to_plain
from app.run.state import new_state, reset_weights
from app.run.training import PHASES, advance_phase, train_steps


def weights(state):
    return [p for layer in state.layers for p in (layer.w, layer.b)]


def same_weights(a, b):
    return all(np.array_equal(p, q) for p, q in zip(weights(a), weights(b), strict=True))


def accuracy(state, on_test):
    frame, _ = build_frame(state, {})
    return frame["metrics"]["test_accuracy" if on_test else "train_accuracy"]


def test_same_config_same_run_bit_for_bit():
    config = TrainingConfig(dataset="moons", batch_size=16)
    a, b = new_state(config), new_state(config)
    train_steps(a, 200)
    train_steps(b, 200)
    assert same_weights(a, b)
    c = new_state(replace(config, seed=2))
    train_steps(c, 200)
    assert not same_weights(a, c)


def test_snapshot_round_trip_continues_identically():
    state = new_state(TrainingConfig(dataset="spiral", batch_size=8))
    train_steps(state, 50)
    copy = through_json(state)
    train_steps(state, 50)
    train_steps(copy, 50)
    assert copy.step == state.step == 100
    assert same_weights(state, copy)


def test_test_points_are_never_trained_on():
    state = new_state(TrainingConfig(dataset="circle", batch_size=10))
    flipped = run_from_plain(run_to_plain(state))
    flipped.y = np.where(flipped.is_test, 1 - flipped.y, flipped.y)
    flipped = run_from_plain(run_to_plain(flipped))
    train_steps(state, 100)
    train_steps(flipped, 100)
    assert same_weights(state, flipped)


def test_reset_restores_the_initial_weights_on_the_same_data():
    state = new_state(TrainingConfig())
    fresh = new_state(TrainingConfig())
    train_steps(state, 20)
    again = reset_weights(state)
    assert again.step == 0 and same_weights(again, fresh)
    assert np.array_equal(again.x, state.x)


def test_the_four_textbook_points_are_separated_by_two_tanh_units():
    # lr 0.3, seed 1: separated after a few hundred steps; 2000 is the bound.
    state = new_state(
        TrainingConfig(dataset="class-ab", hidden_layers=(2,), learning_rate=0.3, seed=1)
    )
    for _ in range(20):
        train_steps(state, 100)
        if accuracy(state, on_test=False) == 1.0:
            break
    assert accuracy(state, on_test=False) == 1.0, f"not separated after {state.step} steps"


def test_no_hidden_layer_cannot_separate_the_textbook_points():
    state = new_state(TrainingConfig(dataset="class-ab", hidden_layers=(), learning_rate=0.3))
    train_steps(state, 2000)
    assert accuracy(state, on_test=False) <= 0.75


@pytest.mark.parametrize("dataset", ["xor", "circle"])
def test_two_tanh_layers_generalise(dataset):
    config = TrainingConfig(dataset=dataset, hidden_layers=(8, 8), learning_rate=0.3, noise=0.1)
    state = new_state(config)
    train_steps(state, 3000)
    assert accuracy(state, on_test=True) >= 0.95


@pytest.mark.parametrize("batch_size", [1, 7, None])
def test_any_batch_size_trains(batch_size):
    state = new_state(TrainingConfig(dataset="gaussian", batch_size=batch_size, learning_rate=0.1))
    before = accuracy(state, on_test=False)
    train_steps(state, 300)
    assert state.step == 300
    assert accuracy(state, on_test=False) >= max(before, 0.9)


def test_divergence_stops_training_and_keeps_finite_weights():
    state = new_state(
        TrainingConfig(
            dataset="class-ab", activation="linear", learning_rate=10, hidden_layers=(8, 8)
        )
    )
    taken = train_steps(state, 100)
    assert state.diverged and taken < 100 and state.step == taken
    assert all(np.isfinite(p).all() for p in weights(state))
    assert train_steps(state, 10) == 0


def test_four_phases_make_exactly_one_step():
    config = TrainingConfig(dataset="moons", batch_size=20)
    phased, whole = new_state(config), new_state(config)
    for _ in range(3):
        assert [advance_phase(phased) for _ in PHASES] == list(PHASES)
        train_steps(whole, 1)
    assert phased.step == whole.step == 3 and same_weights(phased, whole)


def test_a_step_begun_phase_by_phase_is_finished_by_a_whole_step():
    config = TrainingConfig(dataset="moons", batch_size=20)
    phased, whole = new_state(config), new_state(config)
    advance_phase(phased)
    advance_phase(phased)  # forward and loss done
    train_steps(phased, 1)
    train_steps(whole, 1)
    assert phased.step == 1 and phased.pending is None and same_weights(phased, whole)
    train_steps(phased, 5)
    train_steps(whole, 5)
    assert same_weights(phased, whole)


def test_phases_expose_the_batch_loss_and_gradients():
    state = new_state(TrainingConfig())
    advance_phase(state)
    assert state.pending.loss is None and state.pending.grads is None
    advance_phase(state)
    assert state.pending.loss == pytest.approx(0.7, abs=0.1)
    advance_phase(state)
    assert [g.w.shape for g in state.pending.grads] == [(2, 8), (8, 8), (8, 1)]
    before = state.layers
    advance_phase(state)
    assert state.layers is not before and state.last_grads is not None
