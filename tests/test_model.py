"""The MLP's maths: values, gradients against finite differences, initialisation, update."""

import numpy as np
import pytest
from gradcheck import numerical_gradients

from app.nn.model import (
    ACTIVATIONS,
    Layer,
    backward,
    bce_loss,
    forward,
    forward_many,
    init_layers,
    sigmoid,
)
from app.nn.optim import OptimizerSettings, step


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [[], [3], [4, 3], [3, 4, 2]])
def test_backprop_matches_finite_differences(activation, hidden):
    rng = np.random.default_rng(7)
    layers = init_layers([2, *hidden, 1], activation, rng)
    for layer in layers:  # non-zero biases, so their gradients are exercised too
        layer.b += rng.normal(0, 0.3, size=layer.b.shape)
    x = rng.normal(0, 1.2, size=(9, 2))
    y = (rng.random(9) > 0.5).astype(float)
    fwd = forward(layers, x, activation)
    if activation == "relu":  # finite differences are meaningless at ReLU's kink
        assert min(np.abs(z).min() for z in fwd.zs) > 1e-4
    analytic = backward(layers, fwd, y, activation)
    numeric = numerical_gradients(layers, x, y, activation)
    for a, n in zip(analytic, numeric, strict=True):
        np.testing.assert_allclose(a.w, n.w, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(a.b, n.b, rtol=1e-5, atol=1e-8)


def test_forward_keeps_every_layer():
    layers = init_layers([2, 5, 3, 1], "tanh", np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(6, 2))
    fwd = forward(layers, x, "tanh")
    assert [z.shape for z in fwd.zs] == [(6, 5), (6, 3), (6, 1)]
    assert [a.shape for a in fwd.activations] == [(6, 2), (6, 5), (6, 3), (6, 1)]
    assert fwd.activations[0] is x
    np.testing.assert_allclose(fwd.activations[1], np.tanh(x @ layers[0].w + layers[0].b))
    np.testing.assert_allclose(fwd.probability, 1 / (1 + np.exp(-fwd.logit)))


def test_cross_entropy_value_and_stability():
    z = np.array([-2.0, 0.0, 3.0])
    y = np.array([0.0, 1.0, 1.0])
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert bce_loss(z, y) == pytest.approx(expected, rel=1e-12)
    # Confidently wrong by a logit of 1000 costs 1000, not inf or nan.
    assert bce_loss(np.array([1000.0, -1000.0]), np.array([0.0, 1.0])) == pytest.approx(1000.0)
    assert bce_loss(np.array([1000.0, -1000.0]), np.array([1.0, 0.0])) == pytest.approx(0.0)


def test_sigmoid_never_overflows():
    with np.errstate(all="raise"):
        values = sigmoid(np.array([-1e6, -30.0, 0.0, 30.0, 1e6]))
    np.testing.assert_allclose(values[[0, 2, 4]], [0.0, 0.5, 1.0])


def test_initialisation_is_seeded_and_scaled_per_activation():
    a = init_layers([2, 8, 8, 1], "tanh", np.random.default_rng(3))
    b = init_layers([2, 8, 8, 1], "tanh", np.random.default_rng(3))
    for la, lb in zip(a, b, strict=True):
        assert np.array_equal(la.w, lb.w) and np.array_equal(la.b, lb.b)
    rng = np.random.default_rng(0)
    he = init_layers([400, 400, 1], "relu", rng)[0].w.std()
    glorot = init_layers([400, 400, 1], "tanh", rng)[0].w.std()
    assert he == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert glorot == pytest.approx(np.sqrt(2 / 800), rel=0.02)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_initialisation_choices_set_the_spread_of_every_layer(activation):
    """suited: He (2/fan_in) for ReLU's hidden layers, Glorot (2/(fan_in+fan_out)) for the rest
    and for the output; small: std 0.01 everywhere, whatever the activation."""
    sizes = [300, 300, 200, 1]
    suited = init_layers(sizes, activation, np.random.default_rng(1), "suited")
    small = init_layers(sizes, activation, np.random.default_rng(1), "small")
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        hidden = i < len(sizes) - 2
        variance = 2 / n_in if activation == "relu" and hidden else 2 / (n_in + n_out)
        # The output layer has only 200 weights: its sample spread is rougher.
        tolerance = 0.03 if hidden else 0.15
        assert suited[i].w.std() == pytest.approx(np.sqrt(variance), rel=tolerance)
        assert small[i].w.std() == pytest.approx(0.01, rel=tolerance)
        assert abs(small[i].w.mean()) < 0.01 / np.sqrt(small[i].w.size) * 5
        assert not small[i].b.any() and not suited[i].b.any()


def test_suited_is_the_default_initialisation_and_unknown_ones_are_refused():
    default = init_layers([2, 8, 1], "relu", np.random.default_rng(5))
    suited = init_layers([2, 8, 1], "relu", np.random.default_rng(5), "suited")
    assert all(np.array_equal(a.w, b.w) for a, b in zip(default, suited, strict=True))
    with pytest.raises(ValueError, match="initialization"):
        init_layers([2, 8, 1], "relu", np.random.default_rng(5), "zeros")


def test_sgd_steps_against_the_gradient():
    layers = [Layer(np.array([[1.0], [2.0]]), np.array([0.5]))]
    grads = [Layer(np.array([[0.1], [-0.2]]), np.array([1.0]))]
    (updated,), _ = step(layers, grads, {}, OptimizerSettings("sgd", 0.5))
    np.testing.assert_array_equal(updated.w, [[0.95], [2.1]])
    np.testing.assert_array_equal(updated.b, [0.0])
    np.testing.assert_array_equal(layers[0].w, [[1.0], [2.0]])  # the old weights are untouched


@pytest.mark.parametrize("problem, outputs", [("binary", 1), ("multiclass", 3), ("regression", 1)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_forward_many_gives_the_same_numbers_as_forward(problem, outputs, activation):
    rng = np.random.default_rng(4)
    layers = init_layers([2, 5, 3, outputs], activation, rng)
    layers = [Layer(la.w, rng.normal(size=la.b.shape)) for la in layers]  # biases matter here
    x = rng.normal(size=(300, 2))
    one = forward(layers, x, activation, problem)
    many = forward_many(layers, x, activation, problem)
    for a, b in zip(one.zs + one.activations, many.zs + many.activations, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
