"""A multi-layer perceptron in plain NumPy.

The network is a list of layers, each one weight matrix and one bias vector, built from a size
list such as ``[2, 8, 8, 1]``. Hidden layers share one activation. The output layer and its loss
depend on the problem (``PROBLEMS``): one sigmoid unit read as the probability of class 1 with
binary cross-entropy; K softmax units, one probability per class, with cross-entropy; or one
identity unit, the predicted value, with mean squared error.

Everything is vectorised over the batch: a forward pass is one matrix product per layer.
Nothing here knows about HTTP, JSON or sessions.
"""

from __future__ import annotations

import functools
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
    def output(self) -> Array:
        """The network's answer: (n, 1) for binary and regression, (n, K) for K classes."""
        return self.activations[-1]

    @property
    def probability(self) -> Array:
        return self.activations[-1][:, 0]

    @property
    def logit(self) -> Array:
        return self.zs[-1][:, 0]


# How the starting weights are drawn. "suited" scales them to the activation, so a signal keeps
# its size through many layers; "small" is the naive choice of the early days, the same small
# spread for every layer, under which a deep stack's signal and gradients shrink layer by layer.
INITIALIZATIONS = ("suited", "small")
SMALL_INIT_STD = 0.01


def init_layers(
    sizes: list[int], activation: str, rng: np.random.Generator, initialization: str = "suited"
) -> list[Layer]:
    """Random weights, zero biases.

    ``suited``: ReLU layers use He scaling (variance 2/fan_in), which keeps the signal's size
    through a stack of half-zeroed units; the others use Glorot scaling (variance
    2/(fan_in+fan_out)). The output layer feeds a sigmoid, so it always uses Glorot.
    ``small``: every weight from a normal distribution of standard deviation 0.01, whatever
    the layer and its activation.
    """
    if initialization not in INITIALIZATIONS:
        raise ValueError(f"unknown initialization {initialization!r}")
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        is_output = i == len(sizes) - 2
        if initialization == "small":
            scale = SMALL_INIT_STD
        elif activation == "relu" and not is_output:
            scale = np.sqrt(2.0 / n_in)
        else:
            scale = np.sqrt(2.0 / (n_in + n_out))
        layers.append(Layer(rng.normal(0.0, scale, size=(n_in, n_out)), np.zeros(n_out)))
    return layers


def forward(layers: list[Layer], x: Array, activation: str, problem: str = "binary") -> ForwardPass:
    """Run ``x`` (shape (n, inputs)) through the network, keeping every intermediate."""
    hidden = ACTIVATIONS[activation].f
    output = PROBLEMS[problem].output
    zs, activations = [], [x]
    for i, layer in enumerate(layers):
        z = activations[-1] @ layer.w + layer.b
        zs.append(z)
        activations.append(output(z) if i == len(layers) - 1 else hidden(z))
    return ForwardPass(zs, activations)


def forward_many(
    layers: list[Layer], x: Array, activation: str, problem: str = "binary"
) -> ForwardPass:
    """``forward`` for thousands of points at once, as the pictures of a frame need.

    The numbers are the same; the work is laid out with one column per point, so a bias is
    added along rows as long as the batch rather than the layer's few units, several times
    faster in NumPy. The arrays returned are transposed views, shaped (n, units) as in
    ``forward``.
    """
    hidden = ACTIVATIONS[activation].f
    output = PROBLEMS[problem].output
    zs, activations = [], [x]
    a = x.T
    for i, layer in enumerate(layers):
        z = layer.w.T @ a + layer.b[:, None]  # (units, n)
        zs.append(z.T)
        if i == len(layers) - 1:
            activations.append(output(z.T))
        else:
            a = hidden(z)
            activations.append(a.T)
    return ForwardPass(zs, activations)


def bce_loss(logit: Array, y: Array) -> float:
    """Mean binary cross-entropy, computed from the logit for numerical stability.

    -[y log p + (1-y) log(1-p)] with p = sigmoid(z) equals softplus(z) - y z.
    """
    softplus = np.logaddexp(0.0, logit)
    return float(np.mean(softplus - y * logit))


def softmax(z: Array) -> Array:
    """Each row's exp(z) / sum(exp(z)); shifting by the row's maximum first never overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(z: Array, y: Array) -> float:
    """Mean of -log p[true class] over the rows of z (shape (n, K)); y holds class indices.

    -log softmax(z)[c] = logsumexp(z) - z[c], computed stably by shifting z by its maximum.
    """
    top = z.max(axis=1)
    logsumexp = top + np.log(np.exp(z - top[:, None]).sum(axis=1))
    return float(np.mean(logsumexp - z[np.arange(len(y)), y.astype(int)]))


def mse_loss(prediction: Array, y: Array) -> float:
    """Mean squared error: the mean of (prediction - target)²."""
    return float(np.mean((prediction - y) ** 2))


def one_hot(y: Array, classes: int) -> Array:
    return np.eye(classes)[y.astype(int)]


@dataclass(frozen=True)
class Problem:
    """A kind of task: the output layer's activation, its loss, and the loss's gradient.

    ``loss(z, y)`` is the mean loss from the output layer's pre-activation z (n, outputs) and
    the targets y (n,). ``delta(z, a, y)`` is dL/dz of that mean loss, with a = output(z). Each
    output is paired with the loss that makes this gradient simply (a - target) · c / n.
    """

    output: Callable[[Array], Array]
    loss: Callable[[Array, Array], float]
    delta: Callable[[Array, Array, Array], Array]


PROBLEMS: dict[str, Problem] = {
    # Sigmoid + binary cross-entropy: dL/dz = (p - y) / n.
    "binary": Problem(
        sigmoid,
        lambda z, y: bce_loss(z[:, 0], y),
        lambda z, a, y: (a - y[:, None]) / len(y),
    ),
    # Softmax + cross-entropy: dL/dz_k = (p_k - [k = y]) / n.
    "multiclass": Problem(
        softmax,
        softmax_cross_entropy,
        lambda z, a, y: (a - one_hot(y, a.shape[1])) / len(y),
    ),
    # Identity + mean squared error: dL/dz = 2 (prediction - y) / n.
    "regression": Problem(
        lambda z: z,
        lambda z, y: mse_loss(z[:, 0], y),
        lambda z, a, y: 2.0 * (a - y[:, None]) / len(y),
    ),
}


def loss(problem: str, fwd: ForwardPass, y: Array) -> float:
    """The problem's mean loss of a forward pass against the targets y."""
    return PROBLEMS[problem].loss(fwd.zs[-1], y)


def backward(
    layers: list[Layer], fwd: ForwardPass, y: Array, activation: str, problem: str = "binary"
) -> list[Layer]:
    """Gradients of the problem's mean loss with respect to every weight and bias.

    Returns them as Layers of the same shapes as the parameters. Backpropagation starts from
    the output's dL/dz, which the problem gives (see ``PROBLEMS``).
    """
    d_hidden = ACTIVATIONS[activation].df
    delta = PROBLEMS[problem].delta(fwd.zs[-1], fwd.activations[-1], y)
    # A bias's gradient is its column of delta summed over the batch. A row of ones times
    # delta sums all the columns in one matrix product, several times faster than sum(axis=0)
    # on a batch of this size.
    ones = _ones(len(delta))
    grads: list[Layer] = []
    for i in range(len(layers) - 1, -1, -1):
        grads.append(Layer(fwd.activations[i].T @ delta, ones @ delta))
        if i > 0:
            delta = (delta @ layers[i].w.T) * d_hidden(fwd.zs[i - 1], fwd.activations[i])
    return grads[::-1]


@functools.lru_cache(maxsize=8)
def _ones(n: int) -> Array:
    ones = np.ones(n)
    ones.flags.writeable = False  # shared by every call
    return ones


def predicted_class(output: Array) -> Array:
    """Each row's class: 1 where p >= 0.5 for one sigmoid unit, else the most probable one."""
    if output.shape[1] == 1:
        return (output[:, 0] >= 0.5).astype(int)
    return output.argmax(axis=1)


def r_squared(prediction: Array, y: Array) -> float | None:
    """1 - (squared error) / (spread of the targets): 1 is perfect, 0 is no better than always
    predicting the mean. None when the targets do not vary."""
    spread = float(np.sum((y - y.mean()) ** 2))
    if spread == 0:
        return None
    return 1.0 - float(np.sum((prediction - y) ** 2)) / spread
