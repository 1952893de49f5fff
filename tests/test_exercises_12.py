"""Notebook 12's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own import cell, so these tests follow the notebook when it changes.
"""
from pathlib import Path

import numpy as np
import pytest

from notebook_cells import exercise_verdicts, first_cell_namespace

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "12_beyond_dense_layers.ipynb"


@pytest.fixture(scope="module")
def namespace():
    return first_cell_namespace(NOTEBOOK)  # the imports and constants


def check_with(ns, stub_text, check_text, **answer):
    return exercise_verdicts(NOTEBOOK, ns, stub_text, check_text, **answer)


# ---- exercise 1: the backward pass of a 1-D convolution -----------------------------------------

CONV = ("def conv1d_backward", "check_conv1d_backward(")


def backward(g, x, w):
    # written from z_t = sum_j w_j x_{t+j}: loops, independent of the layer's einsum
    k, L_out = len(w), g.shape[1]
    dw, dx = np.zeros(k), np.zeros_like(x)
    for t in range(L_out):
        for j in range(k):
            dw[j] += np.sum(g[:, t] * x[:, t + j])
            dx[:, t + j] += g[:, t] * w[j]
    return dw, dx


def test_exercise_1_accepts_the_backward_pass(namespace):
    assert check_with(namespace, *CONV, conv1d_backward=backward) == ["Correct"] * 2


def test_exercise_1_answer_matches_finite_differences():
    from nbtools.gradcheck import numerical_gradient, relative_error

    rng = np.random.default_rng(3)
    g, x, w = rng.normal(size=(2, 4)), rng.normal(size=(2, 6)), rng.normal(size=3)
    z = lambda: np.sum(g * np.stack([sum(w[j] * x[:, t + j] for j in range(3)) for t in range(4)], axis=1))
    dw, dx = backward(g, x, w)
    assert relative_error(dw, numerical_gradient(z, w)) < 1e-8
    assert relative_error(dx, numerical_gradient(z, x)) < 1e-8


def test_exercise_1_says_not_yet_to_the_placeholders(namespace):
    assert check_with(namespace, *CONV) == ["Not yet"] * 2


def flipped(g, x, w):          # the filter reversed: the mistake of convolution vs correlation
    dw, dx = backward(g, x, w[::-1])
    return dw[::-1], dx


def assigned(g, x, w):         # = instead of +=: only the last copy of each weight counts
    k, L_out = len(w), g.shape[1]
    dw, dx = np.zeros(k), np.zeros_like(x)
    for t in range(L_out):
        for j in range(k):
            dw[j] = np.sum(g[:, t] * x[:, t + j])
            dx[:, t + j] = g[:, t] * w[j]
    return dw, dx


@pytest.mark.parametrize("wrong, expected", [
    (assigned, ["Wrong", "Wrong"]),
    (lambda g, x, w: (backward(g, x, w)[0], backward(g, x, w[::-1])[1]), ["Correct", "Wrong"]),
    (lambda g, x, w: (backward(g, x, w)[0] / len(g), backward(g, x, w)[1]), ["Wrong", "Correct"]),
], ids=["assigns-instead-of-adding", "dx-with-flipped-filter", "averaged-over-the-batch"])
def test_exercise_1_rejects_typical_mistakes(namespace, wrong, expected):
    assert check_with(namespace, *CONV, conv1d_backward=wrong) == expected


# ---- exercise 2: attention weights --------------------------------------------------------------

ATT = ("def attention_weights", "check_attention_weights(")


def weights(Q, K):
    S = Q @ K.T / np.sqrt(Q.shape[1])
    e = np.exp(S - S.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_exercise_2_accepts_the_weights(namespace):
    assert check_with(namespace, *ATT, attention_weights=weights) == ["Correct"]


def test_exercise_2_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *ATT) == ["Not yet"]


@pytest.mark.parametrize("wrong", [
    lambda Q, K: weights(Q * np.sqrt(Q.shape[1]), K),                 # no 1 / sqrt(d)
    lambda Q, K: weights(Q / np.sqrt(Q.shape[1]), K),                 # divided by d
    lambda Q, K: weights(K, Q).T,                                     # softmax over the queries
    lambda Q, K: Q @ K.T / np.sqrt(Q.shape[1]),                       # the scores, no softmax
], ids=["no-scaling", "divided-by-d", "wrong-axis", "no-softmax"])
def test_exercise_2_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *ATT, attention_weights=wrong) == ["Wrong"]
