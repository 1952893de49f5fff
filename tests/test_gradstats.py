"""gradstats: the per-layer measurements against hand computations and finite differences, and
the Recorder during training."""
import numpy as np
import pytest

from nbtools import blocks, data, gradstats, init, layers, nn
from nbtools.gradcheck import numerical_gradient
from nbtools.losses import BinaryCrossEntropy
from nbtools.nn import MLP
from nbtools.training import fit

X, Y = data.moons(n=128, noise=0.1, seed=0)
X = data.standardize(X)[0]


# ---- layer_stats ------------------------------------------------------------------------------

def test_gradient_norms_match_finite_differences_of_the_loss():
    net = MLP([2, 5, 4, 1], hidden="tanh", seed=1)
    stats = gradstats.layer_stats(net, X, Y)
    loss = BinaryCrossEntropy()

    def f():
        return loss(net.forward(X), Y)

    for l, layer in enumerate(net.dense):
        assert stats["grad_W"][l] == pytest.approx(np.linalg.norm(numerical_gradient(f, layer.params["W"])), rel=1e-6)
        assert stats["grad_b"][l] == pytest.approx(np.linalg.norm(numerical_gradient(f, layer.params["b"])), rel=1e-6)
    assert stats["loss"] == pytest.approx(f())


def test_deltas_follow_the_backprop_formulas():
    """delta^(L) = (a^(L) - y) / n for sigmoid + cross-entropy; delta^(l) = (delta^(l+1) W^(l+1)) * tanh'(z^(l))."""
    net = MLP([2, 5, 4, 1], hidden="tanh", seed=2)
    stats = gradstats.layer_stats(net, X, Y)
    a, z = net.a, net.z
    delta = [None, None, (a[3] - Y[:, None]) / len(X)]
    for l in (1, 0):
        delta[l] = (delta[l + 1] @ net.dense[l + 1].params["W"]) * (1 - np.tanh(z[l]) ** 2)
    np.testing.assert_allclose(stats["delta"], [np.linalg.norm(d) for d in delta], rtol=1e-10)
    np.testing.assert_array_equal(stats["layer"], [1, 2, 3])


def test_activation_statistics_are_those_of_the_activations():
    net = MLP([2, 6, 6, 1], hidden="relu", seed=0)
    stats = gradstats.layer_stats(net, X, Y)
    for l in range(3):
        assert stats["a_mean"][l] == pytest.approx(net.a[l + 1].mean())
        assert stats["a_std"][l] == pytest.approx(net.a[l + 1].std())
        assert stats["z_std"][l] == pytest.approx(net.z[l].std())
        assert stats["activations"][l] is net.activations[l].a
    assert np.isnan(stats["saturated"][0]) and stats["saturated"][2] >= 0   # ReLU: n/a; sigmoid output


def test_saturation_counts_the_flat_ends_of_tanh_and_sigmoid():
    net = MLP([2, 4, 4, 1], hidden="tanh", seed=0)
    net.dense[0].params["W"][...] = 0.0
    net.dense[0].params["b"][...] = [-3.0, -2.0, 2.0, 3.0]     # tanh(+-3) > 0.99 > tanh(+-2)
    net.dense[1].params["W"][...] = 0.0
    net.dense[1].params["b"][...] = [0.0, 0.0, 0.0, 10.0]
    stats = gradstats.layer_stats(net, X, Y)
    assert stats["saturated"][0] == pytest.approx(0.5)
    assert stats["saturated"][1] == pytest.approx(0.25)
    sig = MLP([2, 4, 1], hidden="sigmoid", seed=0)
    sig.dense[0].params["W"][...] = 0.0
    sig.dense[0].params["b"][...] = [-5.0, -4.0, 4.0, 5.0]     # sigmoid(5) = 0.9933, sigmoid(4) = 0.982
    assert gradstats.layer_stats(sig, X, Y)["saturated"][0] == pytest.approx(0.5)


def test_dead_units_are_those_without_gradient_on_every_sample():
    net = MLP([2, 4, 4, 1], hidden="relu", seed=0)
    net.dense[0].params["b"][:2] = -100.0                         # units 0 and 1: z < 0 on every point
    stats = gradstats.layer_stats(net, X, Y)
    assert stats["dead"][0] == pytest.approx(0.5)
    assert np.all(net.dense[0].grads["W"][:2] == 0) and np.all(net.dense[0].grads["b"][:2] == 0)
    leaky = MLP([2, 4, 4, 1], hidden="leaky_relu", seed=0)
    leaky.dense[0].params["b"][:2] = -100.0
    assert gradstats.layer_stats(leaky, X, Y)["dead"][0] == 0.0    # slope alpha: never dead
    assert gradstats.layer_stats(MLP([2, 4, 1], hidden="tanh"), X, Y)["dead"][0] == 0.0


def test_mlp_and_its_sequential_copy_measure_the_same():
    mlp = MLP([2, 5, 5, 1], hidden="sigmoid", seed=4)
    seq = nn.Sequential([mlp.dense[0], layers.Sigmoid(), mlp.dense[1], layers.Sigmoid(), mlp.dense[2]])
    a, b = gradstats.layer_stats(mlp, X, Y), gradstats.layer_stats(seq, X, Y)
    for key in gradstats.LABELS:
        np.testing.assert_allclose(a[key], b[key], equal_nan=True)


def test_sigmoid_gradients_vanish_with_depth_and_he_relu_keeps_them():
    sig = gradstats.layer_stats(blocks.deep_net(10, 32, "sigmoid", seed=0), X, Y)
    relu = gradstats.layer_stats(blocks.deep_net(10, 32, "relu", "he", seed=0), X, Y)
    assert sig["grad_W"][0] < 1e-3 * sig["grad_W"][-1]
    assert np.all(np.diff(sig["delta"]) > 0)                     # the deltas shrink layer after layer
    assert 0.1 < relu["grad_W"][0] / relu["grad_W"][-1] < 10


def test_residual_connections_restore_the_first_layers_gradient():
    plain = gradstats.layer_stats(blocks.deep_net(10, 32, "sigmoid", seed=0), X, Y)
    skip = gradstats.layer_stats(blocks.deep_net(10, 32, "sigmoid", residual=True, seed=0), X, Y)
    assert skip["grad_W"][0] / skip["grad_W"][-1] > 1e3 * plain["grad_W"][0] / plain["grad_W"][-1]


def test_overflow_is_measured_not_warned(recwarn):
    net = blocks.deep_net(60, 32, "relu", init.normal(1e6), seed=0)   # x 4e6 per layer: > 1e308
    stats = gradstats.layer_stats(net, X, Y)
    assert not np.all(np.isfinite(stats["a_std"]))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_layer_stats_explains_bad_targets():
    with pytest.raises(ValueError, match="label"):
        gradstats.layer_stats(MLP([2, 3, 1]), X, Y[:5])


# ---- Recorder -------------------------------------------------------------------------------------

def test_recorder_measures_at_the_start_and_every_few_epochs():
    net = blocks.deep_net(4, 8, "tanh", seed=0)
    start = gradstats.layer_stats(blocks.deep_net(4, 8, "tanh", seed=0), X, Y)
    rec = gradstats.Recorder(X, Y, every=2)
    fit(net, X, Y, optimizer="sgd", lr=0.1, epochs=5, batch_size=32, seed=0, callback=rec, progress=False)
    assert rec.epochs == [0, 2, 4]
    assert rec.series("grad_W").shape == (3, 5)
    np.testing.assert_allclose(rec.series("grad_W")[0], start["grad_W"])
    assert rec.series("loss").shape == (3,)
    assert rec.series("loss")[-1] < rec.series("loss")[0]
    with pytest.raises(ValueError, match="key must be one of"):
        rec.series("gradient")
    with pytest.raises(RuntimeError, match="callback"):
        gradstats.Recorder(X, Y).series("grad_W")


def test_layer_stats_names_what_it_measures():
    with pytest.raises(TypeError, match=r"net must be a network such as nn.MLP or nn.Sequential, got dict"):
        gradstats.layer_stats({"W1": np.ones((2, 2))}, X, Y)
