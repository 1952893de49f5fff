"""Blocks: batch normalization, residual blocks, and Sequential networks built of them, checked by
their formulas and by finite differences."""
import numpy as np
import pytest

from nbtools import data, init, layers
from nbtools.blocks import BatchNorm, Residual, deep_net
from nbtools.gradcheck import check_layer, numerical_gradient, relative_error
from nbtools.losses import BinaryCrossEntropy, MeanSquaredError
from nbtools.nn import MLP, Sequential, walk
from nbtools.training import fit

RNG = np.random.default_rng(7)
Z = RNG.normal(2.0, 3.0, size=(8, 4))


def _batchnorm(n=4, seed=0):
    """A BatchNorm with gamma and beta away from 1 and 0, so every term of backward matters."""
    bn = BatchNorm(n)
    rng = np.random.default_rng(seed)
    bn.params["gamma"][...] = rng.uniform(0.5, 2.0, n)
    bn.params["beta"][...] = rng.normal(size=n)
    return bn


# ---- BatchNorm ------------------------------------------------------------------------------------

def test_batchnorm_output_has_mean_beta_and_std_gamma():
    bn = _batchnorm()
    out = bn.forward(Z)
    np.testing.assert_allclose(out.mean(axis=0), bn.params["beta"], atol=1e-12)
    # std of gamma * z_hat is gamma * sqrt(var / (var + eps))
    var = Z.var(axis=0)
    np.testing.assert_allclose(out.std(axis=0), bn.params["gamma"] * np.sqrt(var / (var + 1e-5)), rtol=1e-12)


def test_batchnorm_forward_matches_the_formula_entry_by_entry():
    bn = _batchnorm()
    mu = Z.sum(axis=0) / len(Z)
    var = ((Z - mu) ** 2).sum(axis=0) / len(Z)
    expected = bn.params["gamma"] * (Z - mu) / np.sqrt(var + bn.eps) + bn.params["beta"]
    np.testing.assert_allclose(bn.forward(Z), expected, rtol=1e-12)


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_batchnorm_passes_gradient_check(mode):
    bn = _batchnorm()
    for _ in range(3):  # give the running statistics values other than 0 and 1
        bn.forward(Z + RNG.normal(size=Z.shape))
    bn.train(mode == "train")
    errors = check_layer(bn, Z, seed=2)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < 1e-7, errors


def test_batchnorm_backward_is_not_the_eval_formula_in_training_mode():
    """In training mode mu and var depend on z, which adds two terms; dropping them is caught."""
    bn = _batchnorm()
    bn.forward(Z)
    g = RNG.normal(size=Z.shape)
    grad = bn.backward(g)
    naive = g * bn.params["gamma"] / bn.std
    assert relative_error(grad, naive) > 0.1
    # the output does not change when a constant is added to a feature, so the gradient sums to 0
    np.testing.assert_allclose(grad.sum(axis=0), 0.0, atol=1e-10)


def test_batchnorm_running_statistics_follow_momentum():
    bn = BatchNorm(4, momentum=0.25)
    bn.forward(Z)
    np.testing.assert_allclose(bn.running_mean, 0.25 * Z.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.75 + 0.25 * Z.var(axis=0))
    for _ in range(200):
        bn.forward(Z)
    np.testing.assert_allclose(bn.running_mean, Z.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(bn.running_var, Z.var(axis=0), rtol=1e-9)


def test_batchnorm_eval_mode_uses_running_statistics_and_accepts_one_sample():
    bn = _batchnorm()
    bn.running_mean[...] = [1.0, 2.0, 3.0, 4.0]
    bn.running_var[...] = [4.0, 1.0, 0.25, 9.0]
    bn.eval()
    before = bn.running_mean.copy()
    out = bn.forward(Z[:1])
    expected = bn.params["gamma"] * (Z[:1] - before) / np.sqrt(bn.running_var + bn.eps) + bn.params["beta"]
    np.testing.assert_allclose(out, expected)
    np.testing.assert_array_equal(bn.running_mean, before)  # eval never updates the statistics
    with pytest.raises(ValueError, match="at least 2 samples.*eval"):
        bn.train().forward(Z[:1])


def test_batchnorm_gradients_accumulate():
    bn = _batchnorm()
    g = RNG.normal(size=Z.shape)
    bn.forward(Z)
    bn.zero_grad()
    bn.backward(g)
    once = bn.grads["gamma"].copy()
    bn.backward(g)
    np.testing.assert_allclose(bn.grads["gamma"], 2 * once)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"n": 0}, ValueError, "n must be in"),
    ({"n": 2.5}, TypeError, "n must be an integer"),
    ({"n": 3, "momentum": 1.5}, ValueError, "momentum must be in"),
    ({"n": 3, "eps": 0.0}, ValueError, "eps must be in"),
])
def test_batchnorm_bad_arguments_are_explained(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        BatchNorm(**kwargs)


def test_batchnorm_wrong_width_is_explained():
    with pytest.raises(ValueError, match=r"BatchNorm\(3\) expects input of shape \(m, 3\), got \(8, 4\)"):
        BatchNorm(3).forward(Z)


# ---- Residual -------------------------------------------------------------------------------------

def test_residual_adds_the_input_to_the_inner_output():
    dense = layers.Dense(4, 4, seed=1)
    block = Residual([dense, layers.Tanh()])
    expected = Z + np.tanh(Z @ dense.params["W"].T + dense.params["b"])
    np.testing.assert_allclose(block.forward(Z), expected)


@pytest.mark.parametrize("inner", [
    lambda: [layers.Dense(4, 4, seed=1), layers.Tanh()],
    lambda: [layers.Dense(4, 4, seed=1), _batchnorm(), layers.Sigmoid(), layers.Dense(4, 4, seed=2)],
], ids=["dense-tanh", "dense-bn-sigmoid-dense"])
def test_residual_passes_gradient_check(inner):
    block = Residual(inner())
    errors = check_layer(block, Z, seed=4)
    assert "x" in errors and "0.W" in errors
    if isinstance(block.layers[1], BatchNorm):
        # BatchNorm subtracts the batch mean, so the bias before it has gradient exactly 0 and its
        # relative error compares rounding noise with rounding noise: check it absolutely instead.
        del errors["0.b"]
        assert np.abs(block.grads["0.b"]).max() < 1e-12
    assert max(errors.values()) < 1e-7, errors


def test_residual_passes_the_gradient_through_unchanged_when_f_is_zero():
    dense = layers.Dense(4, 4, init="zeros", seed=0)
    block = Residual([dense, layers.Tanh()])  # f(x) = tanh(0) = 0, and df/dx = 0
    block.forward(Z)
    g = RNG.normal(size=Z.shape)
    np.testing.assert_array_equal(block.backward(g), g)


def test_residual_params_are_the_inner_arrays_themselves():
    dense, bn = layers.Dense(4, 4, seed=1), BatchNorm(4)
    block = Residual([dense, bn])
    assert block.params["0.W"] is dense.params["W"] and block.grads["1.gamma"] is bn.grads["gamma"]
    block.forward(Z)
    block.backward(np.ones_like(Z))
    block.zero_grad()
    assert not np.any(dense.grads["W"]) and not np.any(bn.grads["beta"])


def test_residual_that_changes_the_width_is_explained():
    with pytest.raises(ValueError, match="must keep the width"):
        Residual([layers.Dense(4, 3, seed=0)]).forward(Z)
    with pytest.raises(TypeError, match="list of layers"):
        Residual(layers.Dense(4, 4))
    with pytest.raises(TypeError, match=r"write ReLU\(\), not 'relu'"):
        Residual([layers.Dense(4, 4), "relu"])


# ---- Sequential -----------------------------------------------------------------------------------

X, Y = data.moons(n=64, noise=0.1, seed=0)


def test_sequential_of_an_mlps_layers_computes_what_the_mlp_computes():
    mlp = MLP([2, 5, 3, 1], hidden="tanh", output="sigmoid", seed=3)
    seq = Sequential([mlp.dense[0], layers.Tanh(), mlp.dense[1], layers.Tanh(), mlp.dense[2]],
                     output="sigmoid")
    np.testing.assert_allclose(seq.forward(X), mlp.forward(X))
    assert seq.sizes == mlp.sizes and seq.hidden == "tanh"
    g = RNG.normal(size=(len(X), 1))
    mlp.zero_grad()
    grad_mlp = mlp.backward(g)
    expected = [a.copy() for a in mlp.gradients()]
    seq.forward(X)
    seq.zero_grad()
    np.testing.assert_allclose(seq.backward(g), grad_mlp)
    for got, want in zip(seq.gradients(), expected):
        np.testing.assert_allclose(got, want)
    for l in range(3):
        np.testing.assert_allclose(seq.z[l], mlp.z[l])
        np.testing.assert_allclose(seq.a[l], mlp.a[l])


def _loss_and_grad_check(net, X, y):
    """Largest relative error of every parameter's (and X's) gradient against finite differences."""
    loss = BinaryCrossEntropy()

    def f():
        net.forward(X)
        return loss(net.z[-1], y, logits=True)

    f()
    net.zero_grad()
    grad_X = net.backward(loss.backward(), wrt="z")
    errors = [relative_error(grad_X, numerical_gradient(f, X))]
    for p, g in zip(net.parameters(), [g.copy() for g in net.gradients()]):
        numeric = numerical_gradient(f, p)
        if np.abs(numeric).max() < 1e-8:  # a bias just before BatchNorm: its gradient is exactly 0
            errors.append(np.abs(g).max() * 1e4)
        else:
            errors.append(relative_error(g, numeric))
    return max(errors)


@pytest.mark.parametrize("batchnorm, residual", [(False, False), (True, False), (False, True), (True, True)])
def test_deep_net_passes_gradient_check(batchnorm, residual):
    net = deep_net(depth=3, width=5, activation="tanh", batchnorm=batchnorm, residual=residual, seed=1)
    Xs = X[:10].copy()
    assert _loss_and_grad_check(net, Xs, Y[:10]) < 1e-6


def test_deltas_are_the_gradients_that_reached_each_dense_layer():
    """dL/dW = delta^T a and dL/db = sum of delta: the chapter's matrix form, layer by layer."""
    net = deep_net(depth=3, width=6, activation="relu", batchnorm=True, residual=True, seed=2)
    loss = BinaryCrossEntropy()
    net.forward(X)
    loss(net.z[-1], Y, logits=True)
    net.zero_grad()
    net.backward(loss.backward(), wrt="z")
    assert len(net.delta) == len(net.dense) == len(net.z) == 4 and len(net.a) == 5
    for layer, delta, a, z in zip(net.dense, net.delta, net.a, net.z):
        assert delta.shape == z.shape
        np.testing.assert_allclose(layer.grads["W"], delta.T @ a, atol=1e-14)
        np.testing.assert_allclose(layer.grads["b"], delta.sum(axis=0), atol=1e-14)
    np.testing.assert_allclose(net.a[-1], 1 / (1 + np.exp(-net.z[-1])))


def test_deep_net_structure():
    net = deep_net(depth=4, width=8, activation="relu", batchnorm=True, residual=True, seed=0)
    assert net.sizes == [2, 8, 8, 8, 8, 1]
    assert sum(isinstance(layer, Residual) for layer in net.layers) == 3   # layer 1 changes the width
    assert sum(isinstance(layer, BatchNorm) for layer in walk(net.layers)) == 4
    assert [type(a).__name__ for a in net.activations] == ["ReLU"] * 4 + ["Sigmoid"]
    assert net.n_params() == sum(p.size for p in net.parameters())
    assert "Residual(Dense(8, 8), BatchNorm(8" in repr(net)
    assert deep_net(depth=1, width=3).sizes == [2, 3, 1]


def test_deep_net_init_auto_picks_he_for_relu_and_xavier_for_tanh():
    relu = deep_net(depth=2, width=400, activation="relu", seed=0)
    tanh = deep_net(depth=2, width=400, activation="tanh", seed=0)
    assert relu.dense[1].params["W"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh.dense[1].params["W"].std() == pytest.approx(np.sqrt(2 / 800), rel=0.02)
    small = deep_net(depth=2, width=400, init=init.normal(0.01), seed=0)
    assert small.dense[1].params["W"].std() == pytest.approx(0.01, rel=0.02)


def test_same_seed_same_weights():
    a, b = deep_net(seed=5), deep_net(seed=5)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    assert not np.allclose(a.parameters()[0], deep_net(seed=6).parameters()[0])


def test_eval_reaches_a_batchnorm_inside_a_residual_block():
    bn = BatchNorm(4)
    block = Residual([layers.Dense(4, 4, seed=0), bn, layers.Tanh()])
    assert block.eval() is block and not block.training and not bn.training
    block.forward(Z[:1])  # one sample: fine with the running statistics
    assert block.train() is block and bn.training


def test_train_and_eval_switch_every_batchnorm():
    net = deep_net(depth=3, width=4, batchnorm=True, residual=True)
    norms = [layer for layer in walk(net.layers) if isinstance(layer, BatchNorm)]
    assert net.eval() is net and not any(bn.training for bn in norms)
    net.forward(X[:1])  # one sample is fine in eval mode
    assert all(bn.training for bn in net.train().layers if isinstance(bn, BatchNorm))
    assert all(bn.training for bn in norms)


def test_fit_trains_a_deep_residual_network():
    Xm, ym = data.moons(n=200, noise=0.1, seed=0)
    net = deep_net(depth=6, width=16, activation="relu", residual=True, seed=0)
    hist = fit(net, Xm, ym, optimizer="adam", lr=0.01, epochs=30, batch_size=50, seed=0, progress=False)
    assert hist.train_loss[-1] < 0.3 * hist.train_loss[0]
    assert hist.grad_norms.shape == (30 * 4, 7)


def test_fit_trains_a_batchnorm_network_and_eval_predicts():
    Xm, ym = data.moons(n=200, noise=0.1, seed=0)
    net = deep_net(depth=4, width=16, activation="tanh", batchnorm=True, seed=0)
    hist = fit(net, Xm, ym, optimizer="adam", lr=0.01, epochs=30, batch_size=50, seed=0, progress=False)
    assert hist.train_loss[-1] < 0.3 * hist.train_loss[0]
    assert hist.grad_norms.shape == (30 * 4, 5)
    assert np.mean(net.eval().predict(Xm) == ym) > 0.9


def test_regression_output_with_mse():
    net = deep_net(depth=2, width=8, output="identity", n_out=2, seed=0)
    assert net.forward(X).shape == (len(X), 2)
    loss = MeanSquaredError()
    loss(net.forward(X), np.zeros((len(X), 2)))
    net.zero_grad()
    net.backward(loss.backward())
    assert all(np.isfinite(g).all() for g in net.gradients())


@pytest.mark.parametrize("make, error, pattern", [
    (lambda: Sequential(layers.Dense(2, 1)), TypeError, "list of layers"),
    (lambda: Sequential([]), ValueError, "at least one layer"),
    (lambda: Sequential([layers.Dense(2, 3), "tanh", layers.Dense(3, 1)]), TypeError, r"layers\[1\]"),
    (lambda: Sequential([layers.Dense(2, 3), layers.Tanh()]), ValueError, "last layer must be a Dense"),
    (lambda: Sequential([layers.Dense(2, 3), layers.Dense(4, 1)]), ValueError, "receives 3 features"),
    (lambda: Sequential([layers.Dense(2, 3), BatchNorm(4), layers.Dense(3, 1)]), ValueError,
     r"use BatchNorm\(3\)"),
    (lambda: Sequential([layers.Dense(2, 3), Residual([layers.Dense(3, 2)]), layers.Dense(2, 1)]),
     ValueError, "must keep the width"),
    (lambda: Sequential([layers.Dense(2, 1)], output="relu"), ValueError, "Unknown output activation"),
    (lambda: Sequential([layers.Dense(2, 1)], output="softmax"), ValueError, "at least 2 units"),
    (lambda: deep_net(depth=0), ValueError, "depth must be in"),
    (lambda: deep_net(activation="swish"), ValueError, "Unknown activation"),
])
def test_bad_networks_are_explained(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_bad_inputs_to_forward_and_backward_are_explained():
    net = deep_net(depth=2, width=4)
    with pytest.raises(RuntimeError, match="forward"):
        net.backward(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        net.forward(np.ones((3, 5)))
    net.forward(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"shape of the last output \(3, 1\)"):
        net.backward(np.ones((3, 2)))
