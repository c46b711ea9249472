"""Optimizers and weight penalties: how gradients become weight updates.

An optimizer's memory (momentum's velocity, Adam's moment estimates) is plain data, a dict of
lists of Layers, so it is saved and restored with the rest of a run. Every function returns new
arrays and leaves its inputs alone, so an update that diverges can be thrown away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.nn.model import Layer

OPTIMIZERS = ("sgd", "momentum", "adam")
PENALTIES = ("none", "l1", "l2")


@dataclass(frozen=True)
class OptimizerSettings:
    name: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.9  # momentum: the share of the last velocity kept
    beta1: float = 0.9  # Adam: decay of the mean of the gradients
    beta2: float = 0.999  # Adam: decay of the mean of their squares
    epsilon: float = 1e-8


def penalised(grads: list[Layer], layers: list[Layer], penalty: str, rate: float) -> list[Layer]:
    """Add the weight penalty's gradient: rate·sign(w) for L1, rate·w for L2 (biases are free).

    The penalties are rate·Σ|w| and rate·Σw²/2: both pull weights toward zero, L1 by a constant
    amount (so it can make them exactly zero), L2 in proportion to their size.
    """
    if penalty == "none" or rate == 0:
        return grads
    pull = np.sign if penalty == "l1" else (lambda w: w)
    return [Layer(g.w + rate * pull(la.w), g.b) for g, la in zip(grads, layers, strict=True)]


def zeros_like(layers: list[Layer]) -> list[Layer]:
    return [Layer(np.zeros_like(la.w), np.zeros_like(la.b)) for la in layers]


def step(
    layers: list[Layer], grads: list[Layer], memory: dict[str, Any], settings: OptimizerSettings
) -> tuple[list[Layer], dict[str, Any]]:
    """The updated layers and the optimizer's new memory."""
    lr = settings.learning_rate
    if settings.name == "sgd":
        return [
            Layer(p.w - lr * g.w, p.b - lr * g.b) for p, g in zip(layers, grads, strict=True)
        ], {}
    if settings.name == "momentum":
        # The velocity keeps a decaying sum of past gradients, so steps build up speed along
        # directions the gradient keeps pointing to and cancel out where it zigzags.
        old = memory.get("velocity") or zeros_like(layers)
        mu = settings.momentum
        velocity = [
            Layer(mu * v.w - lr * g.w, mu * v.b - lr * g.b) for v, g in zip(old, grads, strict=True)
        ]
        updated = [Layer(p.w + v.w, p.b + v.b) for p, v in zip(layers, velocity, strict=True)]
        return updated, {"velocity": velocity}
    return _adam(layers, grads, memory, settings)


def _adam(
    layers: list[Layer], grads: list[Layer], memory: dict[str, Any], s: OptimizerSettings
) -> tuple[list[Layer], dict[str, Any]]:
    # Adam divides each step by a running size of that weight's gradients, so every weight moves
    # at about the learning rate per step, whatever the scale of its gradient.
    t = memory.get("t", 0) + 1
    m_old = memory.get("m") or zeros_like(layers)
    v_old = memory.get("v") or zeros_like(layers)
    m = [
        Layer(s.beta1 * a.w + (1 - s.beta1) * g.w, s.beta1 * a.b + (1 - s.beta1) * g.b)
        for a, g in zip(m_old, grads, strict=True)
    ]
    v = [
        Layer(s.beta2 * a.w + (1 - s.beta2) * g.w**2, s.beta2 * a.b + (1 - s.beta2) * g.b**2)
        for a, g in zip(v_old, grads, strict=True)
    ]
    fix1, fix2 = 1 - s.beta1**t, 1 - s.beta2**t  # early steps: undo the bias toward zero

    def move(p: np.ndarray, mean: np.ndarray, square: np.ndarray) -> np.ndarray:
        return p - s.learning_rate * (mean / fix1) / (np.sqrt(square / fix2) + s.epsilon)

    updated = [
        Layer(move(p.w, a.w, b.w), move(p.b, a.b, b.b))
        for p, a, b in zip(layers, m, v, strict=True)
    ]
    return updated, {"t": t, "m": m, "v": v}
