"""Attention: forward against the formula computed query by query, backward against finite
differences, exact masking, permutation equivariance, and bad input."""
import numpy as np
import pytest

from nbtools.attention import SelfAttention, attention, attention_backward, causal_mask
from nbtools.gradcheck import check_layer, numerical_gradient, relative_error

rng = np.random.default_rng(0)


def attention_by_loops(Q, K, V, mask=None):
    out = np.zeros((len(Q), V.shape[1]))
    for i, q in enumerate(Q):
        scores = [q @ k / np.sqrt(len(q)) for k in K]
        allowed = [j for j in range(len(K)) if mask is None or mask[i, j]]
        weights = np.exp([scores[j] for j in allowed])
        weights /= weights.sum()
        out[i] = sum(w * V[j] for w, j in zip(weights, allowed))
    return out


def test_weights_by_hand():
    # q = (2, 0), keys (1, 0), (0, 1): scores 2/sqrt(2) and 0, weights e^sqrt2 : 1
    out, A = attention(np.array([[2.0, 0.0]]), np.eye(2), np.array([[1.0], [0.0]]))
    first = np.exp(np.sqrt(2)) / (np.exp(np.sqrt(2)) + 1)
    np.testing.assert_allclose(A, [[first, 1 - first]])
    np.testing.assert_allclose(out, [[first]])


@pytest.mark.parametrize("masked", [False, True])
def test_forward_matches_the_formula(masked):
    Q, K, V = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    mask = rng.random((4, 5)) < 0.6 if masked else None
    if masked:
        mask[:, 0] = True
    out, A = attention(Q, K, V, mask)
    np.testing.assert_allclose(out, attention_by_loops(Q, K, V, mask))
    np.testing.assert_allclose(A.sum(axis=1), 1.0)


@pytest.mark.parametrize("mask", [None, causal_mask(4), np.array([[True, False, False, True]])])
def test_backward_matches_finite_differences(mask):
    Q, K, V = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    g = rng.normal(size=(4, 2))
    out, A = attention(Q, K, V, mask)
    grads = attention_backward(g, Q, K, V, A)
    for M, grad in zip((Q, K, V), grads):
        numeric = numerical_gradient(lambda: np.sum(attention(Q, K, V, mask)[0] * g), M)
        assert relative_error(grad, numeric) < 1e-7


def test_backward_with_a_batch_axis():
    Q, K, V = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 1))
    g = rng.normal(size=(2, 3, 1))
    out, A = attention(Q, K, V)
    dQ, dK, dV = attention_backward(g, Q, K, V, A)
    assert relative_error(dK, numerical_gradient(lambda: np.sum(attention(Q, K, V)[0] * g), K)) < 1e-7


def test_masking_is_exact():
    Q, K, V = rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    mask = np.array([[True, True, False, False], [False, True, False, False], [True, True, True, False]])
    out, A = attention(Q, K, V, mask)
    assert np.all(A[~mask] == 0.0) and np.isfinite(A).all()
    # whatever a masked key and value hold, the output does not change by a single bit
    K2, V2 = K.copy(), V.copy()
    K2[3], V2[3] = 1e6, -1e6
    out2, A2 = attention(Q, K2, V2, mask)
    assert np.array_equal(out, out2) and np.array_equal(A, A2)
    # and masked keys get exactly zero gradient
    dQ, dK, dV = attention_backward(np.ones_like(out), Q, K, V, A)
    assert np.all(dK[3] == 0.0) and np.all(dV[3] == 0.0)


def test_a_row_with_one_allowed_key_copies_its_value():
    V = rng.normal(size=(3, 2))
    out, A = attention(rng.normal(size=(1, 2)), rng.normal(size=(3, 2)), V, np.array([[False, False, True]]))
    assert A.tolist() == [[0.0, 0.0, 1.0]] and np.array_equal(out[0], V[2])


def test_large_scores_do_not_overflow():
    out, A = attention(np.array([[1000.0]]), np.array([[1000.0], [-1000.0]]), np.array([[1.0], [2.0]]))
    assert A.tolist() == [[1.0, 0.0]] and out.tolist() == [[1.0]]


def test_a_fully_masked_row_raises():
    with pytest.raises(ValueError, match="no key at all for query \\(1,\\)"):
        attention(np.ones((2, 2)), np.ones((3, 2)), np.ones((3, 1)),
                  np.array([[True, False, False], [False, False, False]]))


def test_causal_mask():
    assert causal_mask(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]


@pytest.mark.parametrize("mask", [None, causal_mask(5)])
def test_self_attention_layer_gradients(mask):
    errors = check_layer(SelfAttention(4, 3, 2, mask=mask, seed=1), rng.normal(size=(3, 5, 4)))
    assert max(errors.values()) < 1e-7, errors


def test_self_attention_is_permutation_equivariant():
    layer = SelfAttention(4, 3, 2, seed=0)
    x = rng.normal(size=(2, 6, 4))
    perm = rng.permutation(6)
    np.testing.assert_allclose(layer.forward(x[:, perm]), layer.forward(x)[:, perm])


def test_self_attention_keeps_its_weights():
    layer = SelfAttention(4, 3, 2, seed=0)
    x = rng.normal(size=(2, 6, 4))
    out = layer.forward(x)
    np.testing.assert_allclose(out, layer.A @ (x @ layer.params["Wv"].T))


def test_bad_input():
    with pytest.raises(ValueError, match="share d"):
        attention(np.ones((2, 3)), np.ones((4, 2)), np.ones((4, 1)))
    with pytest.raises(ValueError, match="one row per key"):
        attention(np.ones((2, 3)), np.ones((4, 3)), np.ones((3, 1)))
    with pytest.raises(TypeError, match="True \\(may attend\\)"):
        attention(np.ones((2, 3)), np.ones((4, 3)), np.ones((4, 1)), mask=np.ones((2, 4)))
    with pytest.raises(ValueError, match="mask has shape"):
        attention(np.ones((2, 3)), np.ones((4, 3)), np.ones((4, 1)), mask=np.ones((3, 3), bool))
    with pytest.raises(ValueError, match="NaN"):
        attention(np.full((2, 3), np.nan), np.ones((4, 3)), np.ones((4, 1)))
    with pytest.raises(ValueError, match="grad_out"):
        Q = np.ones((2, 3))
        out, A = attention(Q, Q, Q)
        attention_backward(np.ones((3, 3)), Q, Q, Q, A)
    with pytest.raises(ValueError, match="expects input of shape"):
        SelfAttention(4, 3, 2).forward(np.ones((5, 4)))
    with pytest.raises(RuntimeError, match="forward"):
        SelfAttention(4, 3, 2).backward(np.ones((1, 5, 2)))
    with pytest.raises(ValueError, match="d_k"):
        SelfAttention(4, 0, 2)
