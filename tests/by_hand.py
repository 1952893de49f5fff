"""Formulas written out by hand, the independent oracles several test files compare nbtools with.

Nothing here calls nbtools' own forward passes: each function computes its numbers from the
weights directly, as the notebooks do on paper.
"""
import io
import math

import numpy as np
from PIL import Image


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_by_hand(net, X, upto=None):
    """The activations of layer ``upto`` (default: the output) of an nn.MLP, from its weights."""
    params = net.parameters()
    hidden = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[net.hidden]
    L = len(net.sizes) - 1
    a = np.asarray(X, dtype=float)
    for l in range(1, (L if upto is None else upto) + 1):
        z = a @ params[2 * (l - 1)].T + params[2 * (l - 1) + 1]
        if l < L:
            a = hidden(z)
        elif net.output == "sigmoid":
            a = sigmoid(z)
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
    return a


def probabilities_221(weights, points):
    """P(y = 1) of a 2-2-1 sigmoid network, written out from its weights [W1, b1, W2, b2]."""
    W1, b1, W2, b2 = weights
    return sigmoid(sigmoid(points @ W1.T + b1) @ W2.T + b2)[:, 0]


def pixels(png):
    """A PNG's pixels as an (height, width, 3) float array."""
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"), dtype=float)


def sig(z):
    """The logistic function of one float."""
    return 1.0 / (1.0 + math.exp(-z))


def running_example_forward(x):
    """The introduction's running example evaluated by hand from the weights in its docstring."""
    z3 = 2 * x + (-1) * 1            # w_13 x + w_23 * 1 (bias 2)
    z4 = -1 * x + 0.5 * 1            # w_14 x + w_24 * 1
    a3, a4 = sig(z3), sig(z4)
    z6 = 1 * a3 + (-2) * a4 + 0.5 * 1   # w_36 a3 + w_46 a4 + w_56 * 1 (bias 5)
    z7 = 1 * a4 + (-0.5) * 1            # w_47 a4 + w_57 * 1
    a6, a7 = sig(z6), sig(z7)
    z9 = 2 * a6 + (-1) * a7 + 0.5 * 1   # w_69 a6 + w_79 a7 + w_89 * 1 (bias 8)
    return {"z3": z3, "z4": z4, "z6": z6, "z7": z7, "z9": z9,
            "a3": a3, "a4": a4, "a6": a6, "a7": a7, "a9": sig(z9)}


def random_quadratic(seed=0):
    """f = sum over arrays of 0.5 p.A p + c.p (A positive definite), and starting points."""
    rng = np.random.default_rng(seed)
    shapes = [(5,), (3, 2)]
    As, cs, starts = [], [], []
    for shape in shapes:
        n = int(np.prod(shape))
        M = rng.normal(size=(n, n))
        As.append(M @ M.T / n + np.eye(n))
        cs.append(rng.normal(size=n))
        starts.append(rng.normal(size=shape))
    grad = lambda A, c, p: (A @ p.ravel() + c).reshape(p.shape)  # noqa: E731
    return As, cs, starts, grad
