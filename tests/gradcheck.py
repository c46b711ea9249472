"""Finite-difference gradients, the reference every backpropagation test compares with."""

import numpy as np

from app.nn.model import Layer, forward, loss


def numerical_gradients(layers, x, y, activation, problem="binary", h=1e-6):
    """Central differences of the problem's mean loss, one parameter at a time, in float64."""

    def value():
        return loss(problem, forward(layers, x, activation, problem), y)

    grads = []
    for layer in layers:
        pair = []
        for param in (layer.w, layer.b):
            g = np.zeros_like(param)
            for i in np.ndindex(param.shape):
                old = param[i]
                param[i] = old + h
                up = value()
                param[i] = old - h
                down = value()
                param[i] = old
                g[i] = (up - down) / (2 * h)
            pair.append(g)
        grads.append(Layer(*pair))
    return grads
