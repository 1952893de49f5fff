"""Notebook 07's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own import cell, so these tests follow the notebook when it changes.
"""
from pathlib import Path

import numpy as np
import pytest

from nbtools import blocks, gradstats, init
from notebook_cells import cell_containing, exercise_verdicts, first_cell_namespace, run_exercise, verdicts

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07_initialization_and_normalization.ipynb"


@pytest.fixture(scope="module")
def namespace():
    return first_cell_namespace(NOTEBOOK)  # the imports and constants


def check_with(ns, stub_text, check_text, **answer):
    return exercise_verdicts(NOTEBOOK, ns, stub_text, check_text, **answer)


# ---- exercise 1: He initialization ------------------------------------------------------------------

HE = ("def he_init", "check_he_init(")


def test_exercise_1_accepts_he_initialization(namespace):
    def he_init(n_in, n_out, rng):
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))

    assert check_with(namespace, *HE, he_init=he_init) == ["Correct"]
    assert check_with(namespace, *HE, he_init=init.he_uniform) == ["Correct"]  # same variance


def test_exercise_1_never_praises_the_untouched_stub(namespace):
    # the placeholder has the right shape; a separate shape check once called that "Correct"
    printed = run_exercise(NOTEBOOK, namespace, *HE)
    assert verdicts(printed) == ["Not yet"] and "Correct" not in printed


@pytest.mark.parametrize("placeholder", [
    lambda n_in, n_out, rng: np.ones((n_out, n_in)),
    lambda n_in, n_out, rng: np.full((n_out, n_in), np.sqrt(2 / n_in)),
], ids=["ones", "constant-std"])
def test_exercise_1_never_praises_a_constant_matrix(namespace, placeholder):
    assert check_with(namespace, *HE, he_init=placeholder) == ["Not yet"]


def test_exercise_1_rejects_weights_not_drawn_with_rng(namespace):
    def global_state(n_in, n_out, rng):
        return np.random.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))

    assert check_with(namespace, *HE, he_init=global_state) == ["Wrong"]


def test_exercise_1_rejects_a_shifted_mean(namespace):
    def shifted(n_in, n_out, rng):
        return rng.normal(0.1, np.sqrt(2.0 / n_in), size=(n_out, n_in))

    assert check_with(namespace, *HE, he_init=shifted) == ["Wrong"]


@pytest.mark.parametrize("wrong", [
    lambda n_in, n_out, rng: rng.normal(0.0, 2.0 / n_in, size=(n_out, n_in)),               # variance as std
    lambda n_in, n_out, rng: rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in)),  # Xavier
], ids=["variance-as-std", "xavier"])
def test_exercise_1_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *HE, he_init=wrong) == ["Wrong"]


def test_exercise_1_rejects_the_transposed_shape(namespace):
    def transposed(n_in, n_out, rng):
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))

    assert check_with(namespace, *HE, he_init=transposed)[0] == "Wrong"


# ---- exercise 2: the batch normalization forward pass --------------------------------------------------

BN = ("def batchnorm_forward", "check_batchnorm_forward(")


def _batchnorm_by_hand(z, gamma, beta, eps=1e-5):
    m = len(z)
    mean = z.sum(axis=0) / m
    var = ((z - mean) ** 2).sum(axis=0) / m
    return gamma * (z - mean) / np.sqrt(var + eps) + beta


def test_exercise_2_accepts_the_formula(namespace):
    assert check_with(namespace, *BN, batchnorm_forward=_batchnorm_by_hand) == ["Correct"]


def test_exercise_2_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *BN) == ["Not yet"]


@pytest.mark.parametrize("wrong", [
    lambda z, gamma, beta, eps=1e-5: gamma * (z - z.mean(axis=1, keepdims=True))
    / np.sqrt(z.var(axis=1, keepdims=True) + eps) + beta,                                   # over the wrong axis
    lambda z, gamma, beta, eps=1e-5: (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + eps),     # no gamma, beta
], ids=["rows-instead-of-columns", "no-scale-and-shift"])
def test_exercise_2_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *BN, batchnorm_forward=wrong) == ["Wrong"]


# ---- exercise 3: the factor of Var(z) per layer with s^2 = 3 / n_in in a ReLU network ---------------------

FACTOR = ("variance_factor = 0.0", "check_variance_factor(")


def test_exercise_3_accepts_three_halves_which_a_wide_network_confirms(namespace):
    rng = np.random.default_rng(0)
    net = blocks.deep_net(12, 256, "relu", init.normal(np.sqrt(3 / 256)), n_in=256, seed=1)
    z_std = gradstats.layer_stats(net, rng.normal(size=(512, 256)), rng.integers(0, 2, 512))["z_std"]
    measured = (z_std[11] / z_std[1]) ** (2 / 10)           # variance ratio per layer
    assert measured == pytest.approx(1.5, rel=0.05)
    assert check_with(namespace, *FACTOR, variance_factor=1.5) == ["Correct"]


def test_exercise_3_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *FACTOR) == ["Not yet"]


@pytest.mark.parametrize("wrong", [np.sqrt(1.5), 3.0], ids=["factor-of-the-std", "forgot-relu-halves"])
def test_exercise_3_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *FACTOR, variance_factor=wrong) == ["Wrong"]


def test_check_cells_show_no_reference_value():
    # the expected values live in nbtools.exercises, where the student does not read them
    for check_text in (HE[1], BN[1], FACTOR[1]):
        source = cell_containing(NOTEBOOK, check_text)
        assert "1.5" not in source and "sqrt" not in source and "BatchNorm(" not in source


def test_exercise_1_says_wrong_to_a_function_that_returns_nothing(namespace):
    def forgot_return(n_in, n_out, rng):
        rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))

    assert check_with(namespace, *HE, he_init=forgot_return) == ["Wrong"]
