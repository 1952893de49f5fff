"""nbtools.regularization and fit's penalties: values by hand, gradients by finite differences,
the L2 penalty = weight decay for SGD, the proximal L1 step, jitter, the dropout ensemble, bad input."""
import copy

import numpy as np
import pytest

from nbtools import nn, optim, regularization
from nbtools.gradcheck import numerical_gradient, relative_error
from nbtools.losses import BinaryCrossEntropy
from nbtools.training import evaluate, fit


@pytest.fixture
def net():
    return nn.MLP([2, 4, 3, 1], hidden="tanh", seed=0)


@pytest.fixture
def points():
    rng = np.random.default_rng(0)
    return rng.normal(size=(20, 2)), rng.integers(0, 2, 20)


def test_penalty_by_hand():
    net = nn.MLP([2, 2, 1], seed=0)
    net.dense[0].params["W"][:] = [[1.0, -2.0], [0.5, 0.0]]
    net.dense[1].params["W"][:] = [[3.0, -1.0]]
    net.dense[0].params["b"][:] = 100.0                         # biases are not penalised
    assert regularization.penalty(net, l2=0.1) == pytest.approx(0.1 * (1 + 4 + 0.25 + 9 + 1))
    assert regularization.penalty(net, l1=0.1) == pytest.approx(0.1 * (1 + 2 + 0.5 + 3 + 1))
    assert regularization.penalty(net) == 0.0
    assert regularization.weight_norm(net) == pytest.approx(np.sqrt(15.25))
    assert sorted(regularization.weight_values(net)) == sorted([1.0, -2.0, 0.5, 0.0, 3.0, -1.0])


@pytest.mark.parametrize("l1, l2", [(0.0, 0.3), (0.2, 0.0), (0.1, 0.05)])
def test_penalty_gradients_agree_with_finite_differences(net, l1, l2):
    net.zero_grad()
    regularization.add_penalty_gradients(net, l1=l1, l2=l2)
    for dense in net.dense:                     # tanh-net weights are nonzero: |w| is smooth there
        numeric = numerical_gradient(lambda: regularization.penalty(net, l1=l1, l2=l2), dense.params["W"])
        assert relative_error(dense.grads["W"], numeric) < 1e-7
        assert not dense.grads["b"].any()


def test_subgradient_at_zero_is_zero(net):
    net.dense[0].params["W"][:] = 0.0
    net.zero_grad()
    regularization.add_penalty_gradients(net, l1=1.0)
    assert not net.dense[0].grads["W"].any()


def test_soft_threshold_by_hand_and_as_the_minimiser_of_the_proximal_problem():
    W = np.array([-1.0, -0.05, 0.0, 0.05, 0.3])
    np.testing.assert_allclose(regularization.soft_threshold(W, 0.1), [-0.9, 0.0, 0.0, 0.0, 0.2])
    # prox: argmin_u 0.5 (u - w)^2 + t |u|, found by brute force on a fine grid
    u = np.linspace(-2, 2, 400_001)
    for w in W:
        best = u[np.argmin(0.5 * (u - w) ** 2 + 0.1 * np.abs(u))]
        assert regularization.soft_threshold(np.array([w]), 0.1)[0] == pytest.approx(best, abs=1e-5)


def test_fit_l2_takes_the_steps_of_a_hand_written_penalised_loop(net, points):
    X, y = points
    lam, lr, steps = 0.05, 0.1, 10
    by_hand = copy.deepcopy(net)
    loss = BinaryCrossEntropy()
    for _ in range(steps):
        by_hand.forward(X)
        loss(by_hand.z[-1], y, logits=True)
        by_hand.zero_grad()
        by_hand.backward(loss.backward(), wrt="z")
        for dense in by_hand.dense:
            dense.params["W"] -= lr * (dense.grads["W"] + 2 * lam * dense.params["W"])
            dense.params["b"] -= lr * dense.grads["b"]
    fit(net, X, y, optimizer=optim.SGD(lr=lr), epochs=steps, batch_size=None, l2=lam, progress=False)
    for a, b in zip(net.get_weights(), by_hand.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_history_keeps_the_data_loss_and_the_penalty_apart(net, points):
    X, y = points
    history = fit(net, X, y, epochs=4, batch_size=None, l2=0.01, l1=0.02, progress=False)
    assert len(history.penalty) == len(history.train_loss) == 5
    assert history.train_loss[-1] == pytest.approx(evaluate(net, X, y)[0], rel=1e-12)
    assert history.penalty[-1] == pytest.approx(regularization.penalty(net, l1=0.02, l2=0.01), rel=1e-12)
    plain = fit(nn.MLP([2, 4, 3, 1], hidden="tanh", seed=0), X, y, epochs=4, batch_size=None, progress=False)
    assert plain.penalty == [0.0] * 5


def test_l2_makes_smaller_weights_than_none(points):
    X, y = points
    norms = []
    for l2 in (0.0, 0.01, 0.1):
        net = nn.MLP([2, 16, 1], seed=0)
        fit(net, X, y, epochs=100, batch_size=None, l2=l2, progress=False)
        norms.append(regularization.weight_norm(net))
    assert norms[0] > norms[1] > norms[2]


def test_jitter_keeps_originals_and_labels_and_moves_copies_by_size():
    X = np.array([[2.0, 1.0], [0.0, 0.0]])
    y = np.array([1, 0])
    X_aug, y_aug = regularization.jitter(X, y, copies=5000, size=0.1, seed=0)
    assert X_aug.shape == (2 * 5001, 2)
    np.testing.assert_array_equal(X_aug[:2], X)
    np.testing.assert_array_equal(y_aug, np.tile(y, 5001))
    moved = X_aug[2:] - np.tile(X, (5000, 1))
    assert moved.std() == pytest.approx(0.1, rel=0.03) and abs(moved.mean()) < 0.005
    X0, y0 = regularization.jitter(X, y, copies=0)
    np.testing.assert_array_equal(X0, X)


def test_dropout_mlp_has_the_weights_of_the_plain_mlp_and_a_dropout_after_each_hidden_layer():
    net = regularization.dropout_mlp([2, 8, 8, 1], rate=0.4, seed=5)
    plain = nn.MLP([2, 8, 8, 1], seed=5)
    for a, b in zip(net.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
    names = [type(layer).__name__ for layer in net.layers]
    assert names == ["Dense", "ReLU", "Dropout", "Dense", "ReLU", "Dropout", "Dense", "Sigmoid"]
    np.testing.assert_allclose(net.eval().forward(np.ones((3, 2))), plain.forward(np.ones((3, 2))))


def test_ensemble_of_one_network_without_dropout_is_that_network():
    net = regularization.dropout_mlp([2, 8, 1], rate=0.0, seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_allclose(regularization.ensemble_proba(net, X, 3), net.predict_proba(X))
    assert not net.layers[0].training                              # left in eval mode


def test_ensemble_of_a_linear_network_tends_to_the_eval_mode_network():
    # identity hidden units: the output is linear in the mask, so the average over masks is exactly
    # the eval-mode output in expectation (the mean of a mask entry is 1)
    net = regularization.dropout_mlp([2, 30, 1], rate=0.5, hidden="identity", output="identity", seed=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    net.train()
    average = np.mean([net.forward(X) for _ in range(20000)], axis=0)
    np.testing.assert_allclose(average, net.eval().forward(X), atol=0.02)


# ---- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error", [({"l2": -0.1}, ValueError), ({"l1": float("nan")}, ValueError),
                                           ({"l2": "big"}, TypeError), ({"l1": None}, TypeError)])
def test_fit_rejects_bad_penalties(net, points, kwargs, error):
    with pytest.raises(error, match="l1|l2"):
        fit(net, *points, epochs=1, progress=False, **kwargs)


@pytest.mark.parametrize("kwargs, error", [({"l2": -1.0}, ValueError), ({"l1": "x"}, TypeError)])
def test_penalty_functions_reject_bad_strengths(net, kwargs, error):
    with pytest.raises(error):
        regularization.penalty(net, **kwargs)
    with pytest.raises(error):
        regularization.add_penalty_gradients(net, **kwargs)


def test_penalty_of_something_not_a_network():
    with pytest.raises(TypeError, match="nn.MLP"):
        regularization.penalty([np.ones(3)], l2=0.1)
    with pytest.raises(TypeError, match="nn.MLP"):
        regularization.weight_norm("net")


def test_soft_threshold_bad_input():
    with pytest.raises(ValueError, match="t"):
        regularization.soft_threshold(np.ones(3), -0.1)
    with pytest.raises((TypeError, ValueError)):
        regularization.soft_threshold("abc", 0.1)
    with pytest.raises(ValueError):
        regularization.soft_threshold(np.array([1.0, np.nan]), 0.1)


@pytest.mark.parametrize("kwargs, error", [({"copies": -1}, ValueError), ({"copies": 2.5}, TypeError),
                                           ({"size": -0.1}, ValueError), ({"seed": None}, TypeError)])
def test_jitter_bad_input(kwargs, error):
    with pytest.raises(error):
        regularization.jitter(np.zeros((3, 2)), np.array([0, 1, 0]), **kwargs)


def test_jitter_needs_one_label_per_point():
    with pytest.raises(ValueError):
        regularization.jitter(np.zeros((3, 2)), np.array([0, 1]))


@pytest.mark.parametrize("rate", [1.0, -0.5])
def test_dropout_mlp_bad_rate(rate):
    with pytest.raises(ValueError, match="rate"):
        regularization.dropout_mlp([2, 4, 1], rate=rate)


def test_dropout_mlp_bad_activation():
    with pytest.raises(ValueError, match="activation"):
        regularization.dropout_mlp([2, 4, 1], hidden="swish")


def test_ensemble_bad_input():
    net = regularization.dropout_mlp([2, 4, 1])
    with pytest.raises(ValueError, match="n_masks"):
        regularization.ensemble_proba(net, np.zeros((2, 2)), 0)
    with pytest.raises(TypeError, match="net"):
        regularization.ensemble_proba("net", np.zeros((2, 2)))
