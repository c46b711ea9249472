"""A multi-layer perceptron in plain NumPy.

The network is a list of layers, each one weight matrix and one bias vector, built from a size
list such as ``[2, 8, 8, 1]``. Hidden layers share one activation; the single output unit is a
sigmoid read as the probability of class 1, trained with binary cross-entropy.

Everything is vectorised over the batch: a forward pass is one matrix product per layer.
Nothing here knows about HTTP, JSON or sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def sigmoid(z: Array) -> Array:
    # The same function as 1 / (1 + exp(-z)), but tanh never overflows, whatever z is.
    return 0.5 + 0.5 * np.tanh(0.5 * z)


@dataclass(frozen=True)
class Activation:
    """An activation a = f(z) and its derivative da/dz.

    ``df`` takes both z and a = f(z): most derivatives are cheapest written with the output
    already computed in the forward pass (tanh' = 1 - a², sigmoid' = a(1 - a)).
    """

    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array]


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(np.tanh, lambda z, a: 1.0 - a * a),
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)),
    "sigmoid": Activation(sigmoid, lambda z, a: a * (1.0 - a)),
    "linear": Activation(lambda z: z, lambda z, a: np.ones_like(z)),
}


@dataclass
class Layer:
    """One affine map ``z = a_prev @ w + b``; ``w`` has shape (inputs, outputs)."""

    w: Array
    b: Array


@dataclass
class ForwardPass:
    """Every layer's pre-activation ``zs[l]`` and activation ``activations[l]``.

    ``activations[0]`` is the input itself, so ``activations`` has one more entry than ``zs``.
    The last activation is the output probability.
    """

    zs: list[Array]
    activations: list[Array]

    @property
    def probability(self) -> Array:
        return self.activations[-1][:, 0]

    @property
    def logit(self) -> Array:
        return self.zs[-1][:, 0]


def init_layers(sizes: list[int], activation: str, rng: np.random.Generator) -> list[Layer]:
    """Random weights scaled to the activation, zero biases.

    ReLU layers use He scaling (variance 2/fan_in), which keeps the signal's size through a
    stack of half-zeroed units; the others use Glorot scaling (variance 2/(fan_in+fan_out)).
    The output layer feeds a sigmoid, so it always uses Glorot.
    """
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        is_output = i == len(sizes) - 2
        if activation == "relu" and not is_output:
            scale = np.sqrt(2.0 / n_in)
        else:
            scale = np.sqrt(2.0 / (n_in + n_out))
        layers.append(Layer(rng.normal(0.0, scale, size=(n_in, n_out)), np.zeros(n_out)))
    return layers


def forward(layers: list[Layer], x: Array, activation: str) -> ForwardPass:
    """Run ``x`` (shape (n, inputs)) through the network, keeping every intermediate."""
    hidden = ACTIVATIONS[activation].f
    zs, activations = [], [x]
    for i, layer in enumerate(layers):
        z = activations[-1] @ layer.w + layer.b
        zs.append(z)
        activations.append(sigmoid(z) if i == len(layers) - 1 else hidden(z))
    return ForwardPass(zs, activations)


def bce_loss(logit: Array, y: Array) -> float:
    """Mean binary cross-entropy, computed from the logit for numerical stability.

    -[y log p + (1-y) log(1-p)] with p = sigmoid(z) equals softplus(z) - y z.
    """
    softplus = np.logaddexp(0.0, logit)
    return float(np.mean(softplus - y * logit))


def backward(layers: list[Layer], fwd: ForwardPass, y: Array, activation: str) -> list[Layer]:
    """Gradients of the mean cross-entropy with respect to every weight and bias.

    Returns them as Layers of the same shapes as the parameters. With a sigmoid output and
    cross-entropy, dL/dz of the output is simply (p - y) / n.
    """
    d_hidden = ACTIVATIONS[activation].df
    n = y.shape[0]
    delta = (fwd.activations[-1] - y[:, None]) / n
    grads: list[Layer] = []
    for i in range(len(layers) - 1, -1, -1):
        grads.append(Layer(fwd.activations[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            delta = (delta @ layers[i].w.T) * d_hidden(fwd.zs[i - 1], fwd.activations[i])
    return grads[::-1]


def sgd_update(layers: list[Layer], grads: list[Layer], learning_rate: float) -> list[Layer]:
    """Plain gradient descent: step every parameter against its gradient."""
    return [
        Layer(p.w - learning_rate * g.w, p.b - learning_rate * g.b)
        for p, g in zip(layers, grads, strict=True)
    ]


def accuracy(probability: Array, y: Array) -> float:
    """Fraction of points on the right side of p = 0.5."""
    return float(np.mean((probability >= 0.5) == (y >= 0.5)))
