"""The tanh RNN: forward against the recurrence, backpropagation through time against finite
differences, the per-step gradient norms, and bad input."""
import numpy as np
import pytest

from nbtools.recurrent import RNN, last_step_gradient_norms
from nbtools.gradcheck import check_layer

rng = np.random.default_rng(0)


def test_forward_follows_the_recurrence():
    rnn = RNN(2, 3, seed=1)
    rnn.params["b"][:] = [0.1, -0.2, 0.3]
    x = rng.normal(size=(2, 4, 2))
    H = rnn.forward(x)
    Wx, Wh, b = rnn.params["Wx"], rnn.params["Wh"], rnn.params["b"]
    for i in range(2):
        h = np.zeros(3)
        for t in range(4):
            h = np.tanh(Wx @ x[i, t] + Wh @ h + b)
            np.testing.assert_allclose(H[i, t], h)


def test_one_step_by_hand():
    rnn = RNN(1, 1)
    rnn.params["Wx"][:] = 2.0
    rnn.params["Wh"][:] = 0.5
    H = rnn.forward(np.array([[[0.25], [0.0]]]))
    assert np.allclose(H[0, :, 0], [np.tanh(0.5), np.tanh(0.5 * np.tanh(0.5))])


@pytest.mark.parametrize("wh_scale", [0.5, 1.0, 1.5])
def test_backprop_through_time_matches_finite_differences(wh_scale):
    errors = check_layer(RNN(2, 4, wh_scale=wh_scale, seed=0), rng.normal(size=(3, 6, 2)))
    assert max(errors.values()) < 1e-7, errors


def test_grad_h_is_the_gradient_of_each_state():
    # perturb h_t's pre-activation path by hand: dL/dh_1 for L = sum(g * H) equals grad_h[:, 0]
    rnn = RNN(1, 2, seed=3)
    x = rng.normal(size=(1, 3, 1))
    g = rng.normal(size=(1, 3, 2))
    rnn.forward(x)
    rnn.backward(g)
    Wh, Wx = rnn.params["Wh"], rnn.params["Wx"]

    def loss_from_h1(h1):
        h, total = h1, np.sum(g[0, 0] * h1)
        for t in (1, 2):
            h = np.tanh(Wx @ x[0, t] + Wh @ h)
            total += np.sum(g[0, t] * h)
        return total

    h1 = rnn.H[0, 0].copy()
    eps = 1e-6
    numeric = [(loss_from_h1(h1 + eps * e) - loss_from_h1(h1 - eps * e)) / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(rnn.grad_h[0, 0], numeric, rtol=1e-6)


def test_each_step_back_shrinks_by_at_most_wh_scale():
    # dL/dh_{t-1} = (dL/dh_t * tanh') Wh with |tanh'| <= 1 and Wh = s * orthogonal
    for s in (0.5, 0.9):
        norms = last_step_gradient_norms(d_h=8, T=20, wh_scale=s, n=1, seed=2)
        assert np.all(norms[:-1] <= s * norms[1:] * (1 + 1e-12))


def test_small_recurrent_weights_vanish_geometrically():
    norms = last_step_gradient_norms(d_h=8, T=20, wh_scale=0.5, seed=0)
    assert norms[0] < 0.5 ** 19 * norms[-1]


def test_bad_input():
    with pytest.raises(ValueError, match="expects input of shape"):
        RNN(2, 3).forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="at least one step"):
        RNN(2, 3).forward(np.ones((4, 0, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        RNN(2, 3).backward(np.ones((1, 2, 3)))
    with pytest.raises(RuntimeError, match="step_gradient_norms"):
        RNN(2, 3).step_gradient_norms()
    with pytest.raises(ValueError, match="wh_scale"):
        RNN(2, 3, wh_scale=-1.0)
    with pytest.raises(TypeError, match="seed"):
        RNN(2, 3, seed=None)
