"""The toy tasks of notebook 12 and their models: the data sets' promises checked directly, the
Stack's backward against finite differences, training that learns, and bad input."""
import numpy as np
import pytest

from nbtools import structure_tasks as st
from nbtools.gradcheck import numerical_gradient, relative_error


def test_shifted_pattern_plants_the_pattern_in_the_positives_only():
    X, y = st.shifted_pattern(40, length=12, noise=0.0, seed=1)
    assert y.tolist() == [0, 1] * 20
    assert np.all(X[y == 0] == 0.0)
    p = list(st.PATTERN)
    for row in X[y == 1]:
        starts = [s for s in range(12 - 3) if list(row[s:s + 4]) == p]
        assert len(starts) == 1 and np.count_nonzero(row) == 4


def test_shifted_pattern_uses_every_position():
    X, y = st.shifted_pattern(2000, length=10, noise=0.0, seed=0)
    starts = [int(np.argmax(row != 0)) for row in X[y == 1]]
    assert sorted(set(starts)) == list(range(7))


def test_key_value_lookup_targets_are_the_paired_values():
    X, y, where = st.key_value_lookup(50, pairs=4, n_keys=6, seed=2)
    assert X.shape == (50, 5, 8)
    for i in range(50):
        keys = X[i, :4, :6].argmax(axis=1)
        assert len(set(keys)) == 4                           # distinct keys
        query = X[i, 4, :6].argmax()
        assert keys[where[i]] == query and X[i, 4, 7] == 1.0 and X[i, :4, 7].sum() == 0
        assert y[i, 0] == X[i, where[i], 6]


@pytest.mark.parametrize("make, x", [
    (lambda: st.pattern_detector(n_filters=2, seed=1), np.random.default_rng(0).normal(size=(5, 10))),
    (lambda: st.digit_convnet(n_filters=2, seed=1), np.random.default_rng(0).random((3, 64))),
])
def test_stack_backward_matches_finite_differences(make, x):
    model = make()
    g = np.random.default_rng(1).normal(size=model.forward(x).shape)
    f = lambda: np.sum(model.forward(x) * g)
    model.forward(x)
    model.zero_grad()
    grad_x = model.backward(g)
    assert relative_error(grad_x, numerical_gradient(f, x)) < 1e-6
    for p, grad in zip(model.parameters(), [g_.copy() for g_ in model.gradients()]):
        assert relative_error(grad, numerical_gradient(f, p)) < 1e-6


def test_the_convolution_learns_the_pattern_from_few_examples():
    X, y = st.shifted_pattern(30, seed=0)
    X_test, y_test = st.shifted_pattern(400, seed=99)
    model = st.pattern_detector(seed=0)
    losses = st.train(model, X, y, epochs=150, lr=0.02)
    assert losses[-1] < losses[0] / 2
    assert st.accuracy(model, X_test, y_test) > 0.85


def test_attention_learns_the_lookup():
    X, y, where = st.key_value_lookup(300, seed=0)
    model = st.lookup_attention(X, y, epochs=200)
    X_test, y_test, where_test = st.key_value_lookup(200, seed=5)
    out = model.forward(X_test)
    assert np.sqrt(np.mean((out - y_test) ** 2)) < 0.1
    assert np.mean(model.layers[0].A[:, -1].argmax(axis=1) == where_test) > 0.95


def test_learning_curve_shape():
    acc = st.learning_curve(st.dense_detector, (10, 20), seeds=(0, 1), n_test=50, epochs=5)
    assert acc.shape == (2, 2) and np.all((acc >= 0) & (acc <= 1))


def test_bad_input():
    with pytest.raises(TypeError, match="Stack"):
        st.train("net", np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match="Unknown loss"):
        st.train(st.dense_detector(3), np.ones((2, 3)), np.ones(2), loss="hinge")
    with pytest.raises(ValueError, match="one target per sample"):
        st.train(st.dense_detector(3), np.ones((2, 3)), np.ones(3))
    with pytest.raises(ValueError, match="pairs"):
        st.key_value_lookup(5, pairs=9, n_keys=8)
    with pytest.raises(ValueError, match="length"):
        st.shifted_pattern(10, length=3)
    with pytest.raises(TypeError, match="layers"):
        st.Stack("conv")
