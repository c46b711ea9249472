"""Optimizers and weight penalties against updates worked out by hand on a tiny network."""

import numpy as np
import pytest
from through_json import through_json

from app.nn.model import Layer
from app.nn.optim import OptimizerSettings, penalised, step
from app.run.config import TrainingConfig
from app.run.state import new_state
from app.run.training import train_steps

W = np.array([[0.5], [-1.0]])
B = np.array([0.25])
G1 = [Layer(np.array([[0.2], [-0.4]]), np.array([0.1]))]
G2 = [Layer(np.array([[-0.1], [0.3]]), np.array([0.0]))]


def layers():
    return [Layer(W.copy(), B.copy())]


def test_sgd():
    (updated,), memory = step(layers(), G1, {}, OptimizerSettings("sgd", learning_rate=0.5))
    np.testing.assert_allclose(updated.w, [[0.4], [-0.8]])
    np.testing.assert_allclose(updated.b, [0.2])
    assert memory == {}


def test_momentum_builds_up_velocity():
    settings = OptimizerSettings("momentum", learning_rate=0.5, momentum=0.9)
    first, memory = step(layers(), G1, {}, settings)
    np.testing.assert_allclose(first[0].w, [[0.4], [-0.8]])  # v1 = -lr g1
    second, memory = step(first, G2, memory, settings)
    # v2 = 0.9 v1 - lr g2 = 0.9 * [-0.1, 0.2] - 0.5 * [-0.1, 0.3] = [-0.04, 0.03]
    np.testing.assert_allclose(memory["velocity"][0].w, [[-0.04], [0.03]])
    np.testing.assert_allclose(second[0].w, [[0.36], [-0.77]])
    np.testing.assert_allclose(second[0].b, [0.2 - 0.045])


def test_adam_first_steps():
    settings = OptimizerSettings("adam", learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8)
    first, memory = step(layers(), G1, {}, settings)
    # Step 1, bias-corrected: m = g, v = g², so each weight moves lr·sign(g).
    np.testing.assert_allclose(first[0].w, [[0.4], [-0.9]], atol=1e-6)
    np.testing.assert_allclose(first[0].b, [0.15], atol=1e-6)
    second, memory = step(first, G2, memory, settings)
    m = 0.9 * (0.1 * G1[0].w) + 0.1 * G2[0].w
    v = 0.999 * (0.001 * G1[0].w ** 2) + 0.001 * G2[0].w ** 2
    expected = first[0].w - 0.1 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(second[0].w, expected, rtol=1e-12)
    assert memory["t"] == 2


@pytest.mark.parametrize(
    "penalty, expected_w",
    [
        ("l1", [[0.2 + 0.1], [-0.4 - 0.1]]),
        ("l2", [[0.2 + 0.05], [-0.4 - 0.1]]),
        ("none", [[0.2], [-0.4]]),
    ],
)
def test_penalties(penalty, expected_w):
    (grad,) = penalised(G1, layers(), penalty, 0.1)
    np.testing.assert_allclose(grad.w, expected_w)
    np.testing.assert_allclose(grad.b, G1[0].b)  # biases are never penalised


def test_l2_shrinks_the_weights():
    plain = new_state(TrainingConfig(dataset="gaussian", learning_rate=0.3))
    shrunk = new_state(
        TrainingConfig(
            dataset="gaussian", learning_rate=0.3, regularization="l2", regularization_rate=0.1
        )
    )
    train_steps(plain, 300)
    train_steps(shrunk, 300)

    def size(state):
        return sum(float((la.w**2).sum()) for la in state.layers)

    assert size(shrunk) < 0.5 * size(plain)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_optimizer_memory_is_saved_with_the_run(optimizer):
    config = TrainingConfig(dataset="moons", optimizer=optimizer, batch_size=16)
    state = new_state(config)
    train_steps(state, 30)
    copy = through_json(state)
    train_steps(state, 30)
    train_steps(copy, 30)
    for a, b in zip(state.layers, copy.layers, strict=True):
        assert np.array_equal(a.w, b.w) and np.array_equal(a.b, b.b)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_learns_xor(optimizer):
    lr = {"sgd": 0.3, "momentum": 0.1, "adam": 0.01}[optimizer]
    state = new_state(TrainingConfig(dataset="xor", optimizer=optimizer, learning_rate=lr))
    train_steps(state, 1500)
    from sent import build_frame

    frame, _ = build_frame(state, {})
    assert frame["metrics"]["train_accuracy"] >= 0.95
