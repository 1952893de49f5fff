"""Conv1D, Conv2D and their helpers: forward against loops written from the definition, backward
against finite differences, the banded matrix, translation equivariance, and bad input."""
import numpy as np
import pytest

from nbtools.conv import Conv1D, Conv2D, Flatten, MaxOverPositions, Reshape, banded_matrix, dense_parameters
from nbtools.gradcheck import check_layer

rng = np.random.default_rng(0)


def conv1d_by_loops(x, W, b):
    n, c_in, L = x.shape
    c_out, _, k = W.shape
    z = np.zeros((n, c_out, L - k + 1))
    for i in range(n):
        for o in range(c_out):
            for t in range(L - k + 1):
                z[i, o, t] = b[o] + sum(W[o, c, j] * x[i, c, t + j] for c in range(c_in) for j in range(k))
    return z


def conv2d_by_loops(x, W, b):
    n, c_in, H, Wd = x.shape
    c_out, _, k, _ = W.shape
    z = np.zeros((n, c_out, H - k + 1, Wd - k + 1))
    for i in range(n):
        for o in range(c_out):
            for r in range(H - k + 1):
                for s in range(Wd - k + 1):
                    z[i, o, r, s] = b[o] + np.sum(W[o] * x[i, :, r:r + k, s:s + k])
    return z


def test_conv1d_forward_is_the_sum_of_the_definition():
    conv = Conv1D(2, 3, 4, seed=1)
    conv.params["b"][:] = [0.5, -1.0, 2.0]
    x = rng.normal(size=(3, 2, 9))
    np.testing.assert_allclose(conv.forward(x), conv1d_by_loops(x, conv.params["W"], conv.params["b"]))


def test_conv1d_by_hand():
    # x = 1 2 3 4, w = (1, -1): z_t = x_t - x_{t+1} = -1 everywhere
    conv = Conv1D(1, 1, 2)
    conv.params["W"][0, 0] = [1.0, -1.0]
    assert conv.forward(np.array([[[1.0, 2.0, 3.0, 4.0]]])).tolist() == [[[-1.0, -1.0, -1.0]]]


def test_conv2d_forward_is_the_sum_of_the_definition():
    conv = Conv2D(2, 3, 3, seed=1)
    conv.params["b"][:] = [0.5, -1.0, 2.0]
    x = rng.normal(size=(2, 2, 6, 5))
    np.testing.assert_allclose(conv.forward(x), conv2d_by_loops(x, conv.params["W"], conv.params["b"]))


@pytest.mark.parametrize("layer, shape", [
    (Conv1D(2, 3, 3, seed=1), (4, 2, 9)),
    (Conv1D(1, 1, 1, seed=2), (2, 1, 5)),
    (Conv1D(1, 2, 5, seed=3), (2, 1, 5)),          # the filter fits exactly once
    (Conv2D(2, 3, 3, seed=1), (2, 2, 6, 5)),
    (Conv2D(1, 2, 2, seed=4), (3, 1, 4, 4)),
    (MaxOverPositions(), (3, 2, 7)),
    (MaxOverPositions(), (2, 3, 4, 4)),
    (Flatten(), (3, 2, 7)),
    (Reshape((1, 4, 2)), (3, 8)),
])
def test_backward_matches_finite_differences(layer, shape):
    errors = check_layer(layer, rng.normal(size=shape))
    assert max(errors.values()) < 1e-7, errors


def test_gradients_accumulate_over_two_backward_passes():
    conv = Conv1D(1, 2, 3, seed=0)
    x, g = rng.normal(size=(2, 1, 6)), rng.normal(size=(2, 2, 4))
    conv.forward(x)
    conv.backward(g)
    once = conv.grads["W"].copy()
    conv.backward(g)
    np.testing.assert_allclose(conv.grads["W"], 2 * once)


def test_banded_matrix_by_hand():
    expected = [[1, 2, 0, 0], [0, 1, 2, 0], [0, 0, 1, 2]]
    assert banded_matrix([1.0, 2.0], 4).tolist() == expected


def test_conv1d_equals_a_dense_layer_with_the_banded_matrix():
    conv = Conv1D(1, 1, 5, seed=3)
    conv.params["b"][:] = 0.3
    x = rng.normal(size=(10, 1, 16))
    W = banded_matrix(conv.params["W"][0, 0], 16)
    np.testing.assert_allclose(conv.forward(x)[:, 0], x[:, 0] @ W.T + 0.3)
    # its gradient is the banded matrix's gradient summed along each diagonal
    g = rng.normal(size=(10, 1, 12))
    conv.zero_grad()
    conv.backward(g)
    dW_dense = g[:, 0].T @ x[:, 0]                           # (12, 16): dL/dW of the Dense layer
    summed = [np.trace(dW_dense, offset=j) for j in range(5)]
    np.testing.assert_allclose(conv.grads["W"][0, 0], summed)


def test_translation_equivariance():
    conv = Conv1D(1, 2, 3, seed=0)
    x = np.zeros((1, 1, 20))
    x[0, 0, 4:8] = [1.0, 2.0, -2.0, -1.0]
    moved = np.roll(x, 5, axis=2)                            # the pattern at 9..12, zeros elsewhere
    np.testing.assert_allclose(conv.forward(moved)[..., 5:], conv.forward(x)[..., :-5])


def test_max_over_positions_sends_the_gradient_to_the_winner():
    pool = MaxOverPositions()
    x = np.array([[[0.0, 3.0, 1.0], [5.0, -1.0, 2.0]]])
    assert pool.forward(x).tolist() == [[3.0, 5.0]]
    assert pool.backward(np.array([[10.0, 20.0]])).tolist() == [[[0, 10, 0], [20, 0, 0]]]


def test_parameter_counts():
    assert Conv1D(1, 1, 5).params["W"].size + 1 == 6
    assert dense_parameters(16, 12) == 16 * 12 + 12
    assert sum(p.size for p in Conv2D(3, 8, 3).params.values()) == 8 * 3 * 9 + 8


@pytest.mark.parametrize("make, x, match", [
    (lambda: Conv1D(2, 1, 3), np.zeros((4, 9)), "expects input of shape"),
    (lambda: Conv1D(1, 1, 3), np.zeros((4, 9)), "x\\[:, None\\]"),
    (lambda: Conv1D(1, 1, 5), np.zeros((4, 1, 3)), "shorter than the filter"),
    (lambda: Conv2D(1, 1, 3), np.zeros((4, 1, 8)), "expects input of shape"),
    (lambda: Conv2D(1, 1, 3), np.zeros((4, 1, 2, 8)), "shorter than the filter"),
    (lambda: MaxOverPositions(), np.zeros((4, 9)), "positions"),
    (lambda: Reshape((1, 8, 8)), np.zeros((4, 63)), "cannot reshape"),
])
def test_bad_shapes_say_what_was_expected(make, x, match):
    with pytest.raises(ValueError, match=match):
        make().forward(x)


def test_bad_arguments():
    with pytest.raises(ValueError, match="kernel_size"):
        Conv1D(1, 1, 0)
    with pytest.raises(TypeError, match="in_channels"):
        Conv2D(1.5, 1, 3)
    with pytest.raises(TypeError, match="array of"):
        Conv1D(1, 1, 3).forward("abc")
    with pytest.raises(RuntimeError, match="forward"):
        Conv1D(1, 1, 3).backward(np.zeros((1, 1, 3)))
    with pytest.raises(ValueError, match="grad_out"):
        conv = Conv1D(1, 1, 3)
        conv.forward(np.zeros((2, 1, 5)))
        conv.backward(np.zeros((2, 1, 4)))
    with pytest.raises(ValueError, match="between 1 and length"):
        banded_matrix([1.0, 2.0, 3.0], 2)
    with pytest.raises(TypeError, match="tuple of ints"):
        Reshape([1, 8, 8])
    with pytest.raises(ValueError, match="NaN"):
        banded_matrix([np.nan], 3)
