"""Losses: values from their definitions, gradients by finite differences, stability."""
import numpy as np
import pytest

from nbtools import losses
from nbtools.gradcheck import check_loss

RNG = np.random.default_rng(2)


def test_mse_is_half_the_mean_squared_error():
    a, y = np.array([[1.0], [3.0]]), np.array([0.0, 1.0])
    loss = losses.MeanSquaredError()
    assert loss(a, y) == pytest.approx((0.5 * 1 + 0.5 * 4) / 2)
    np.testing.assert_allclose(loss.backward(), [[0.5], [1.0]])


def test_bce_value_from_probabilities_and_from_logits_agree():
    z = np.array([[-2.0], [0.5], [3.0]])
    y = np.array([0, 1, 1])
    p = 1 / (1 + np.exp(-z[:, 0]))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    bce = losses.BinaryCrossEntropy()
    assert bce(p, y) == pytest.approx(expected)
    assert bce(z, y, logits=True) == pytest.approx(expected)
    np.testing.assert_allclose(bce.backward()[:, 0], (p - y) / 3)


def test_bce_from_logits_is_stable_for_huge_logits():
    bce = losses.BinaryCrossEntropy()
    z = np.array([[1000.0], [-1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = bce(z, [0, 1], logits=True)
    assert value == pytest.approx(1000.0)  # each sample costs |z| = 1000
    np.testing.assert_allclose(bce.backward(), [[0.5], [-0.5]])


def test_softmax_cross_entropy_value_and_stability():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    y = np.array([2, 1])
    ce = losses.SoftmaxCrossEntropy()
    first = -np.log(np.exp(3) / np.exp([1, 2, 3]).sum())
    with np.errstate(over="raise"):
        assert ce(z, y, logits=True) == pytest.approx((first + 1000.0) / 2)


@pytest.mark.parametrize("logits", [False, True])
def test_gradients_match_finite_differences(logits):
    y2 = RNG.integers(0, 2, size=5)
    p = RNG.uniform(0.05, 0.95, size=(5, 1))
    z = RNG.normal(size=(5, 1))
    assert check_loss("bce", z if logits else p, y2, logits=logits) < 1e-7
    y3 = RNG.integers(0, 3, size=5)
    z3 = RNG.normal(size=(5, 3))
    probs = np.exp(z3) / np.exp(z3).sum(axis=1, keepdims=True)
    assert check_loss("cross_entropy", z3 if logits else probs, y3, logits=logits) < 1e-7
    if not logits:
        assert check_loss("mse", z3, RNG.normal(size=(5, 3))) < 1e-7


def test_softmax_accepts_target_probabilities():
    ce = losses.SoftmaxCrossEntropy()
    z = RNG.normal(size=(4, 3))
    labels = np.array([0, 2, 1, 1])
    assert ce(z, labels, logits=True) == pytest.approx(ce(z, np.eye(3)[labels], logits=True))


def test_bad_labels_are_explained():
    bce = losses.BinaryCrossEntropy()
    with pytest.raises(ValueError, match=r"labels in 0\.\.1, found \[2\]"):
        bce(np.full((3, 1), 0.5), [0, 1, 2])
    with pytest.raises(ValueError, match="one 0/1 label per output"):
        bce(np.full((3, 1), 0.5), [0, 1])
    with pytest.raises(TypeError, match="integer class labels"):
        bce(np.full((2, 1), 0.5), [0.5, 1.0])
    with pytest.raises(ValueError, match="labels in 0..2"):
        losses.SoftmaxCrossEntropy()(np.ones((2, 3)) / 3, [0, 3])
    with pytest.raises(ValueError, match="must match"):
        losses.MeanSquaredError()(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Unknown loss 'hinge'; choose one of \["):
        losses.get_loss("hinge")


def test_backward_before_call_is_explained():
    with pytest.raises(RuntimeError, match="before backward"):
        losses.MeanSquaredError().backward()
