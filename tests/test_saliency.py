"""Tests of nbtools.saliency: the backward-pass saliency against finite differences and against a
closed form for a network small enough to differentiate by hand."""
import numpy as np
import pytest

from nbtools import layers, nn, saliency
from nbtools.gradcheck import relative_error


@pytest.fixture
def net_and_images():
    net = nn.MLP([64, 16, 10], hidden="tanh", output="softmax", seed=3)
    X = np.random.default_rng(0).random((5, 64))
    return net, X


@pytest.mark.parametrize("of", ["score", "probability"])
def test_saliency_agrees_with_finite_differences(net_and_images, of):
    net, X = net_and_images
    classes = [0, 3, 9, 3, 5]
    S = saliency.saliency(net, X, classes, of=of)
    assert S.shape == X.shape
    assert relative_error(S, saliency.saliency_by_differences(net, X, classes, of=of)) < 1e-7


def test_saliency_of_a_linear_softmax_network_is_the_class_weight_row():
    # z = W x + b: dz_c/dx = W[c], for every image; dp_c/dx = p_c (W[c] - sum_k p_k W[k])
    net = nn.MLP([6, 3], output="softmax", seed=1)
    X = np.random.default_rng(1).random((4, 6))
    W, b = net.parameters()
    classes = np.array([2, 0, 1, 2])
    np.testing.assert_allclose(saliency.saliency(net, X, classes), W[classes], atol=1e-14)
    Z = X @ W.T + b
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    p_c = P[np.arange(4), classes][:, None]
    np.testing.assert_allclose(saliency.saliency(net, X, classes, of="probability"),
                               p_c * (W[classes] - P @ W), atol=1e-14)


def test_default_classes_are_the_predicted_ones_and_parameter_gradients_are_left_at_zero(net_and_images):
    net, X = net_and_images
    predicted = net.predict(X)
    np.testing.assert_array_equal(saliency.saliency(net, X), saliency.saliency(net, X, predicted))
    assert all(not np.any(g) for g in net.gradients())


def test_rows_are_independent(net_and_images):
    # the saliency of one image does not depend on the other images in the batch
    net, X = net_and_images
    S = saliency.saliency(net, X, [1, 2, 3, 4, 5])
    np.testing.assert_allclose(saliency.saliency(net, X[2:3], [3]), S[2:3], atol=1e-15)


def test_works_through_a_sequential_with_a_bottleneck():
    net = nn.Sequential([layers.Dense(8, 4, seed=0), layers.ReLU(), layers.Dense(4, 2, seed=1),
                         layers.Dense(2, 3, seed=2)], output="softmax")
    X = np.random.default_rng(2).random((3, 8))
    assert relative_error(saliency.saliency(net, X), saliency.saliency_by_differences(net, X)) < 1e-7


@pytest.mark.parametrize("call, error, match", [
    (lambda net, X: saliency.saliency(nn.MLP([64, 4, 1], seed=0), X), TypeError, "softmax output"),
    (lambda net, X: saliency.saliency(net, X[:, :10]), ValueError, r"shape \(n, 64\)"),
    (lambda net, X: saliency.saliency(net, X[0]), ValueError, "2-D"),
    (lambda net, X: saliency.saliency(net, X, classes=[0, 1]), ValueError, "labels but X has 5"),
    (lambda net, X: saliency.saliency(net, X, classes=[0, 1, 2, 3, 10]), ValueError, r"0\.\.9"),
    (lambda net, X: saliency.saliency(net, X, of="gradient"), ValueError, "Unknown of"),
    (lambda net, X: saliency.saliency(net, np.full((2, 64), np.nan)), ValueError, "NaN"),
    (lambda net, X: saliency.saliency("net", X), TypeError, "softmax output"),
])
def test_bad_input_raises_with_a_message(net_and_images, call, error, match):
    net, X = net_and_images
    with pytest.raises(error, match=match):
        call(net, X)


# ---- junk at the boundary: a right answer or a clear error, never another exception ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

SMALL = nn.MLP([4, 3, 3], output="softmax", seed=0)
JUNK = st.one_of(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
               elements=st.floats(allow_nan=True, allow_infinity=True, width=64)),
    st.sampled_from([None, "x", [[1.0, 2.0], [3.0]], [[None, 1.0, 2.0, 3.0]], 3.0]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=JUNK, classes=st.one_of(st.none(), JUNK))
def test_junk_gives_a_saliency_of_the_shape_of_X_or_a_clear_error(X, classes):
    try:
        S = saliency.saliency(SMALL, X, classes)
    except (ValueError, TypeError):
        return
    assert S.shape == np.shape(X) and np.all(np.isfinite(S))
