"""The MLP and Sequential: whole-network gradient checks, stored z, a and delta, predictions, errors."""
import numpy as np
import pytest

from nbtools import losses
from nbtools.gradcheck import check_network
from nbtools.layers import Dense, Tanh
from nbtools.nn import MLP, Sequential

RNG = np.random.default_rng(3)
X = RNG.normal(size=(7, 3))


@pytest.mark.parametrize("sizes, hidden, output, loss, y, logits", [
    ([3, 5, 1], "tanh", "sigmoid", "bce", RNG.integers(0, 2, 7), False),
    ([3, 5, 1], "relu", "sigmoid", "bce", RNG.integers(0, 2, 7), True),
    ([3, 4, 4, 3], "sigmoid", "softmax", "cross_entropy", RNG.integers(0, 3, 7), False),
    ([3, 4, 4, 3], "leaky_relu", "softmax", "cross_entropy", RNG.integers(0, 3, 7), True),
    ([3, 6, 2], "tanh", "identity", "mse", RNG.normal(size=(7, 2)), False),
    ([3, 2], "relu", "softmax", "mse", np.eye(2)[RNG.integers(0, 2, 7)], False),  # MSE through a softmax
    ([3, 4, 4, 4, 4, 1], "relu", "sigmoid", "bce", RNG.integers(0, 2, 7), True),
])
def test_network_gradients_match_finite_differences(sizes, hidden, output, loss, y, logits):
    net = MLP(sizes, hidden=hidden, output=output, seed=5)
    # Non-zero biases keep every pre-activation off ReLU's kink at z = 0 (where a whole layer
    # would otherwise sit for inputs that an earlier ReLU zeroed), since there f has no derivative.
    rng = np.random.default_rng(11)  # its own generator: the biases must not hang on test order
    for layer in net.dense:
        layer.params["b"][...] = rng.normal(0.5, 0.1, size=layer.n_out)
    errors = check_network(net, X, y, loss, logits=logits)
    assert max(errors.values()) < 1e-7, errors


def test_forward_keeps_every_z_and_a():
    net = MLP([3, 4, 2, 1], hidden="tanh", seed=0)
    out = net.forward(X)
    assert [a.shape for a in net.a] == [(7, 3), (7, 4), (7, 2), (7, 1)]
    assert [z.shape for z in net.z] == [(7, 4), (7, 2), (7, 1)]
    np.testing.assert_array_equal(net.a[0], X)
    W, b = net.dense[0].params["W"], net.dense[0].params["b"]
    np.testing.assert_allclose(net.z[0], X @ W.T + b)
    np.testing.assert_allclose(net.a[1], np.tanh(net.z[0]))
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-net.z[-1])))


def test_an_mlp_is_a_sequential_of_dense_layers_and_activations():
    net = MLP([2, 3, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    assert isinstance(net, Sequential)
    assert [type(layer).__name__ for layer in net.layers] == ["Dense", "Tanh", "Dense", "Tanh", "Dense", "Sigmoid"]
    assert [(d.n_in, d.n_out) for d in net.dense] == [(2, 3), (3, 4), (4, 1)]
    assert net.dense == net.layers[0::2] and net.activations == net.layers[1::2]
    assert [type(layer).__name__ for layer in MLP([2, 1], output="identity").layers] == ["Dense", "Identity"]


def test_an_mlp_draws_its_weights_as_the_sequential_built_by_hand_does():
    """Same seed, same weights in the same order, so the numbers of every notebook stay the same."""
    rng = np.random.default_rng(9)
    by_hand = Sequential([Dense(3, 4, init="xavier_normal", seed=rng), Tanh(),
                          Dense(4, 2, init="xavier_normal", seed=rng), Tanh(),
                          Dense(2, 1, init="xavier_normal", seed=rng)], output="sigmoid")
    mlp = MLP([3, 4, 2, 1], hidden="tanh", output="sigmoid", seed=9)
    for p, q in zip(mlp.parameters(), by_hand.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(mlp.forward(X), by_hand.forward(X))


def test_delta_holds_dL_dz_of_every_layer_by_the_backprop_formulas():
    """delta^(L) = dL/da^(L) * sigma'(z^(L)), delta^(l) = (delta^(l+1) W^(l+1)) * tanh'(z^(l)),
    and the parameter gradients are dL/dW^(l) = delta^(l)^T a^(l-1), dL/db^(l) = sum of delta^(l)."""
    net = MLP([3, 4, 2, 1], hidden="tanh", output="sigmoid", seed=2)
    y = np.random.default_rng(4).integers(0, 2, len(X))[:, None]
    a = net.forward(X)
    dL_da = (a - y) / (a * (1 - a)) / len(X)              # binary cross-entropy on probabilities
    net.zero_grad()
    net.backward(dL_da)
    W = [d.params["W"] for d in net.dense]
    s = 1 / (1 + np.exp(-net.z[2]))
    delta = [None, None, dL_da * s * (1 - s)]
    for l in (1, 0):
        delta[l] = (delta[l + 1] @ W[l + 1]) * (1 - np.tanh(net.z[l]) ** 2)
    assert len(net.delta) == 3
    for l in range(3):
        np.testing.assert_allclose(net.delta[l], delta[l], rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(net.dense[l].grads["W"], delta[l].T @ net.a[l], rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(net.dense[l].grads["b"], delta[l].sum(axis=0), rtol=1e-10, atol=1e-15)
    net.backward(np.full((len(X), 1), 0.25), wrt="z")      # a gradient dL/dz^(L) is delta^(L) itself
    np.testing.assert_array_equal(net.delta[-1], 0.25)


def test_train_and_eval_reach_every_layer():
    net = MLP([2, 3, 1])
    assert net.eval() is net and not any(layer.training for layer in net.layers)
    assert net.train() is net and all(layer.training for layer in net.layers)


def test_fused_and_unfused_backward_agree():
    net = MLP([3, 5, 1], seed=1)
    y = RNG.integers(0, 2, 7)
    bce = losses.BinaryCrossEntropy()
    out = net.forward(X)
    bce(out, y)
    net.zero_grad()
    g1 = net.backward(bce.backward())
    grads1 = [g.copy() for g in net.gradients()]
    bce(net.z[-1], y, logits=True)
    net.zero_grad()
    g2 = net.backward(bce.backward(), wrt="z")
    np.testing.assert_allclose(g1, g2, rtol=1e-9)
    for a, b in zip(grads1, net.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-15)


def test_same_seed_same_weights_different_seed_different():
    a, b, c = MLP([2, 8, 1], seed=4), MLP([2, 8, 1], seed=4), MLP([2, 8, 1], seed=5)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    assert not np.allclose(a.parameters()[0], c.parameters()[0])


def test_parameters_are_aligned_and_shaped_w_then_b():
    net = MLP([2, 8, 3], output="softmax")
    shapes = [p.shape for p in net.parameters()]
    assert shapes == [(8, 2), (8,), (3, 8), (3,)]
    assert [g.shape for g in net.gradients()] == shapes
    assert net.n_params() == 8 * 2 + 8 + 3 * 8 + 3


def test_set_and_get_weights_round_trip():
    net = MLP([2, 3, 1], seed=0)
    saved = net.get_weights()
    net.parameters()[0][...] = 0
    net.set_weights(saved)
    np.testing.assert_array_equal(net.parameters()[0], saved[0])
    with pytest.raises(ValueError, match=r"weights\[0\] must have shape \(3, 2\)"):
        net.set_weights([np.ones((2, 2))] + saved[1:])


def test_predictions():
    net = MLP([3, 4, 1], seed=0)
    p = net.predict_proba(X)
    assert p.shape == (7,)
    np.testing.assert_array_equal(net.predict(X), (p >= 0.5).astype(int))
    soft = MLP([3, 4, 3], output="softmax", seed=0)
    probs = soft.predict_proba(X)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    np.testing.assert_array_equal(soft.predict(X), probs.argmax(axis=1))
    with pytest.raises(ValueError, match="regressor"):
        MLP([3, 1], output="identity").predict_proba(X)


def test_repr_reads_like_the_architecture():
    assert repr(MLP([2, 16, 16, 1])) == "MLP(2-16-16-1, hidden=relu, output=sigmoid, init=he_normal, parameters=337)"


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"sizes": [2]}, ValueError, "at least an input and an output"),
    ({"sizes": [2, 0, 1]}, ValueError, r"sizes\[1\] must be in \[1, inf\], got 0"),
    ({"sizes": [2, -3, 1]}, ValueError, r"sizes\[1\]"),
    ({"sizes": [2, 2.5, 1]}, TypeError, r"sizes\[1\] must be an integer"),
    ({"sizes": "2-3-1"}, TypeError, "list of layer sizes"),
    ({"sizes": [2, 1], "hidden": "gelu"}, ValueError, r"Unknown hidden activation 'gelu'; choose one of"),
    ({"sizes": [2, 1], "output": "tanh"}, ValueError, r"Unknown output activation 'tanh'"),
    ({"sizes": [2, 1], "output": "softmax"}, ValueError, "at least 2 units"),
    ({"sizes": [2, 1], "init": "kaiming"}, ValueError, r"Unknown init 'kaiming'; choose one of"),
])
def test_bad_construction_is_explained(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        MLP(**kwargs)


def test_bad_inputs_to_forward_and_backward_are_explained():
    net = MLP([3, 4, 1])
    with pytest.raises(ValueError, match=r"X must be a 2-D array, got a 1-D array.*reshape"):
        net.forward(np.ones(3))
    with pytest.raises(ValueError, match=r"X has 2 feature column\(s\) but the network expects sizes\[0\] = 3"):
        net.forward(np.ones((5, 2)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward(np.array([[1.0, np.nan, 0.0]]))
    with pytest.raises(TypeError, match="array of numbers"):
        net.forward("data")
    with pytest.raises(RuntimeError, match="forward"):
        MLP([3, 1]).backward(np.ones((1, 1)))
    net.forward(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"grad must have the shape of the last output \(5, 1\)"):
        net.backward(np.ones((5, 2)))
