"""A run saved as plain data (or a network file) and rebuilt continues bit for bit."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from through_json import through_json

from app.errors import InvalidInput
from app.run import points
from app.run.config import TrainingConfig
from app.run.saved import (
    network_file,
    run_from_network_file,
    run_from_plain,
    run_to_plain,
    to_json_ready,
)
from app.run.state import TrainingState, new_state, with_data
from app.run.training import advance_phase, train_steps


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def assert_same_run(a: TrainingState, b: TrainingState) -> None:
    """Equal to the bit: weights, optimizer memory, generator, step, data, timeline."""
    assert (a.config, a.step, a.diverged) == (b.config, b.step, b.diverged)
    assert a.diverged_reason == b.diverged_reason
    for la, lb in zip(a.layers, b.layers, strict=True):
        assert same_bits(la.w, lb.w) and same_bits(la.b, lb.b)
    assert a.optimizer_memory.keys() == b.optimizer_memory.keys()
    for key, value in a.optimizer_memory.items():
        if isinstance(value, list):
            for ma, mb in zip(value, b.optimizer_memory[key], strict=True):
                assert same_bits(ma.w, mb.w) and same_bits(ma.b, mb.b)
        else:
            assert value == b.optimizer_memory[key]
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert same_bits(a.x, b.x) and same_bits(a.y, b.y) and same_bits(a.is_test, b.is_test)


def through_file(state: TrainingState) -> TrainingState:
    return run_from_network_file(json.loads(json.dumps(network_file(state))))


def custom(config: TrainingConfig) -> TrainingState:
    # The config's points plus one by hand: custom data, same network.
    state = new_state(config)
    x, y, is_test = points.add_point(state.x, state.y, state.is_test, 0.25, -0.5, 1)
    return with_data(state, x, y, is_test)


RUNS = [
    pytest.param(optimizer, batch, data, id=f"{optimizer}-{batch or 'full'}-{data}")
    for optimizer in ("sgd", "momentum", "adam")
    for batch in (None, 8)
    for data in ("built-in", "custom")
]


@pytest.mark.parametrize("optimizer, batch_size, data", RUNS)
@pytest.mark.parametrize("save", [through_json, through_file], ids=["plain", "file"])
def test_a_saved_run_continues_as_the_uninterrupted_one(optimizer, batch_size, data, save):
    config = TrainingConfig(dataset="moons", optimizer=optimizer, batch_size=batch_size, seed=4)
    state = new_state(config) if data == "built-in" else custom(config)
    assert (state.config.dataset == "custom") == (data == "custom")
    train_steps(state, 7)
    copy = save(state)
    assert_same_run(copy, state)
    train_steps(state, 9)
    train_steps(copy, 9)
    assert_same_run(copy, state)
    assert copy.step == 16


def test_the_plain_form_keeps_the_timeline_and_the_file_does_not():
    state = new_state(TrainingConfig(dataset="xor", batch_size=10))
    train_steps(state, 300)
    copy = through_json(state)
    assert copy.history.steps == state.history.steps
    assert copy.history.interval == state.history.interval > 1
    for a, b in zip(copy.history.snapshots, state.history.snapshots, strict=True):
        assert all(same_bits(la.w, lb.w) for la, lb in zip(a, b, strict=True))
    file = network_file(state)
    assert "timeline" not in file and "data" not in file  # built-in data come from the seed
    assert through_file(state).history.steps == [300]  # a new timeline, from here on


def test_the_generator_travels_as_strings_and_arrays_as_lists():
    state = new_state(TrainingConfig(batch_size=5))
    train_steps(state, 3)
    plain = run_to_plain(state)
    counters = plain["batch_generator"]["state"]
    assert all(isinstance(v, str) and int(v) > 2**64 for v in counters.values())
    assert isinstance(plain["layers"][0]["w"], np.ndarray)
    ready = to_json_ready(plain)
    assert isinstance(ready["layers"][0]["w"], list) and isinstance(ready["data"]["x"][0], list)
    assert json.loads(json.dumps(ready)) == ready


def test_a_step_begun_phase_by_phase_is_saved_as_not_begun():
    # A mini-batch step stopped after its forward and loss phases: the copy draws the same
    # batch again and takes the same step as the original finishing its own.
    state = new_state(TrainingConfig(dataset="spiral", optimizer="adam", batch_size=6))
    train_steps(state, 4)
    assert [advance_phase(state), advance_phase(state)] == ["forward", "loss"]
    copy = through_json(state)
    assert copy.pending is None and copy.step == 4
    train_steps(state, 3)
    train_steps(copy, 3)
    assert_same_run(copy, state)


def test_a_version_1_file_starts_the_optimizer_and_generator_afresh():
    config = TrainingConfig(dataset="circle", optimizer="adam", batch_size=10)
    state = new_state(config)
    train_steps(state, 5)
    file = network_file(state)
    old = {key: file[key] for key in ("config", "step", "layers")} | {"version": 1}
    restored = run_from_network_file(json.loads(json.dumps(old)))
    assert restored.optimizer_memory == {} and restored.step == 5
    fresh = new_state(config)
    assert restored.rng.bit_generator.state == fresh.rng.bit_generator.state
    assert through_file(state).optimizer_memory["t"] == 5


def test_a_custom_run_from_a_version_1_file_has_no_points():
    file = network_file(custom(TrainingConfig(hidden_layers=(3,))))
    old = {key: file[key] for key in ("config", "step", "layers")} | {"version": 1}
    restored = run_from_network_file(old)
    assert restored.config.dataset == "custom" and len(restored.y) == 0


def broken_file(**changes) -> dict:
    state = new_state(TrainingConfig(dataset="xor", optimizer="momentum", hidden_layers=(3,)))
    train_steps(state, 2)
    return {**json.loads(json.dumps(network_file(state))), **changes}


def velocity(rows: int) -> list[dict]:
    return [{"w": [[0.0]] * rows, "b": [0.0]}, {"w": [[0.0]] * 3, "b": [0.0]}]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"optimizer": {"t": 2, "m": [], "v": []}},
            "optimizer",
            "optimizer: momentum remembers velocity (found t, m, v)",
        ),
        (
            {"optimizer": {"velocity": velocity(2)}},
            "optimizer",
            "optimizer.velocity: shapes must be the layers' shapes",
        ),
        (
            {"data": {"x": [[0.0, 0.0]], "y": [1.0], "is_test": [False]}},
            "data",
            "data: only a run on custom points carries them (the others come from the seed)",
        ),
    ],
)
def test_what_does_not_fit_the_config_is_refused(changes, field, message):
    with pytest.raises(InvalidInput) as raised:
        run_from_network_file(broken_file(**changes))
    assert (raised.value.field, raised.value.message) == (field, message)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"x": [[0.0, 0.0]], "y": [1.0, 0.0], "is_test": [False]},
            "data: x, y and is_test have one entry per point, at most 1000",
        ),
        (
            {"x": [[0.0, 0.0]], "y": [2.0], "is_test": [False]},
            "data: y holds class numbers from 0 to 1 for this config",
        ),
    ],
)
def test_custom_points_that_do_not_fit_are_refused(data, message):
    file = network_file(custom(TrainingConfig(hidden_layers=(3,))))
    with pytest.raises(InvalidInput) as raised:
        run_from_network_file({**file, "data": data})
    assert (raised.value.field, raised.value.message) == ("data", message)


def test_run_from_plain_checks_the_layers_shapes():
    plain = run_to_plain(new_state(TrainingConfig(hidden_layers=(4,))))
    plain = {**plain, "config": replace(TrainingConfig(hidden_layers=(5,))).to_dict()}
    with pytest.raises(InvalidInput) as raised:
        run_from_plain(plain)
    assert raised.value.field == "layers" and "expected 2x5, 5x1" in raised.value.message


@pytest.mark.parametrize("dataset, problem", [("blobs", "multiclass"), ("gaussians", "regression")])
def test_uploaded_points_of_every_problem_travel_in_the_file(dataset, problem):
    state = new_state(TrainingConfig(dataset=dataset, optimizer="momentum", batch_size=9))
    state = with_data(state, state.x, state.y, state.is_test, problem)
    assert state.config.dataset in ("custom-classes", "custom-targets")
    train_steps(state, 5)
    copy = through_file(state)
    assert_same_run(copy, state)
    train_steps(state, 5)
    train_steps(copy, 5)
    assert_same_run(copy, state)


def test_why_a_run_diverged_is_saved_and_an_older_file_without_it_still_reads():
    state = new_state(TrainingConfig(dataset="class-ab", activation="linear", learning_rate=10))
    train_steps(state, 100)
    assert state.diverged and state.diverged_reason == "weight_limit"
    assert through_json(state).diverged_reason == "weight_limit"
    assert through_file(state).diverged_reason == "weight_limit"
    older = {key: value for key, value in run_to_plain(state).items() if key != "diverged_reason"}
    back = run_from_plain(older)
    assert back.diverged and back.diverged_reason is None
    # A run that has not diverged has no reason, whatever a file says.
    fine = run_to_plain(new_state(TrainingConfig()))
    assert run_from_plain({**fine, "diverged_reason": "weight_limit"}).diverged_reason is None
