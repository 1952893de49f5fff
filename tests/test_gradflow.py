"""gradflow: the per-layer measurements against hand computations and finite differences, the
plots' artists, and the explorers' update functions called as a slider would call them."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import blocks, data, gradflow, init, layers
from nbtools.gradcheck import numerical_gradient
from nbtools.losses import BinaryCrossEntropy
from nbtools.nn import MLP
from nbtools.training import fit

X, Y = data.moons(n=128, noise=0.1, seed=0)
X = data.standardize(X)[0]


# ---- layer_stats ------------------------------------------------------------------------------

def test_gradient_norms_match_finite_differences_of_the_loss():
    net = MLP([2, 5, 4, 1], hidden="tanh", seed=1)
    stats = gradflow.layer_stats(net, X, Y)
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
    stats = gradflow.layer_stats(net, X, Y)
    a, z = net.a, net.z
    delta = [None, None, (a[3] - Y[:, None]) / len(X)]
    for l in (1, 0):
        delta[l] = (delta[l + 1] @ net.dense[l + 1].params["W"]) * (1 - np.tanh(z[l]) ** 2)
    np.testing.assert_allclose(stats["delta"], [np.linalg.norm(d) for d in delta], rtol=1e-10)
    np.testing.assert_array_equal(stats["layer"], [1, 2, 3])


def test_activation_statistics_are_those_of_the_activations():
    net = MLP([2, 6, 6, 1], hidden="relu", seed=0)
    stats = gradflow.layer_stats(net, X, Y)
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
    stats = gradflow.layer_stats(net, X, Y)
    assert stats["saturated"][0] == pytest.approx(0.5)
    assert stats["saturated"][1] == pytest.approx(0.25)
    sig = MLP([2, 4, 1], hidden="sigmoid", seed=0)
    sig.dense[0].params["W"][...] = 0.0
    sig.dense[0].params["b"][...] = [-5.0, -4.0, 4.0, 5.0]     # sigmoid(5) = 0.9933, sigmoid(4) = 0.982
    assert gradflow.layer_stats(sig, X, Y)["saturated"][0] == pytest.approx(0.5)


def test_dead_units_are_those_without_gradient_on_every_sample():
    net = MLP([2, 4, 4, 1], hidden="relu", seed=0)
    net.dense[0].params["b"][:2] = -100.0                         # units 0 and 1: z < 0 on every point
    stats = gradflow.layer_stats(net, X, Y)
    assert stats["dead"][0] == pytest.approx(0.5)
    assert np.all(net.dense[0].grads["W"][:2] == 0) and np.all(net.dense[0].grads["b"][:2] == 0)
    leaky = MLP([2, 4, 4, 1], hidden="leaky_relu", seed=0)
    leaky.dense[0].params["b"][:2] = -100.0
    assert gradflow.layer_stats(leaky, X, Y)["dead"][0] == 0.0    # slope alpha: never dead
    assert gradflow.layer_stats(MLP([2, 4, 1], hidden="tanh"), X, Y)["dead"][0] == 0.0


def test_mlp_and_its_sequential_copy_measure_the_same():
    mlp = MLP([2, 5, 5, 1], hidden="sigmoid", seed=4)
    seq = blocks.Sequential([mlp.dense[0], layers.Sigmoid(), mlp.dense[1], layers.Sigmoid(), mlp.dense[2]])
    a, b = gradflow.layer_stats(mlp, X, Y), gradflow.layer_stats(seq, X, Y)
    for key in gradflow.LABELS:
        np.testing.assert_allclose(a[key], b[key], equal_nan=True)


def test_sigmoid_gradients_vanish_with_depth_and_he_relu_keeps_them():
    sig = gradflow.layer_stats(blocks.deep_net(10, 32, "sigmoid", seed=0), X, Y)
    relu = gradflow.layer_stats(blocks.deep_net(10, 32, "relu", "he", seed=0), X, Y)
    assert sig["grad_W"][0] < 1e-3 * sig["grad_W"][-1]
    assert np.all(np.diff(sig["delta"]) > 0)                     # the deltas shrink layer after layer
    assert 0.1 < relu["grad_W"][0] / relu["grad_W"][-1] < 10


def test_residual_connections_restore_the_first_layers_gradient():
    plain = gradflow.layer_stats(blocks.deep_net(10, 32, "sigmoid", seed=0), X, Y)
    skip = gradflow.layer_stats(blocks.deep_net(10, 32, "sigmoid", residual=True, seed=0), X, Y)
    assert skip["grad_W"][0] / skip["grad_W"][-1] > 1e3 * plain["grad_W"][0] / plain["grad_W"][-1]


def test_overflow_is_measured_not_warned(recwarn):
    net = blocks.deep_net(60, 32, "relu", init.normal(1e6), seed=0)   # x 4e6 per layer: > 1e308
    stats = gradflow.layer_stats(net, X, Y)
    assert not np.all(np.isfinite(stats["a_std"]))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_layer_stats_explains_bad_targets():
    with pytest.raises(ValueError, match="label"):
        gradflow.layer_stats(MLP([2, 3, 1]), X, Y[:5])


# ---- Recorder -------------------------------------------------------------------------------------

def test_recorder_measures_at_the_start_and_every_few_epochs():
    net = blocks.deep_net(4, 8, "tanh", seed=0)
    start = gradflow.layer_stats(blocks.deep_net(4, 8, "tanh", seed=0), X, Y)
    rec = gradflow.Recorder(X, Y, every=2)
    fit(net, X, Y, optimizer="sgd", lr=0.1, epochs=5, batch_size=32, seed=0, callback=rec, progress=False)
    assert rec.epochs == [0, 2, 4]
    assert rec.series("grad_W").shape == (3, 5)
    np.testing.assert_allclose(rec.series("grad_W")[0], start["grad_W"])
    assert rec.series("loss").shape == (3,)
    assert rec.series("loss")[-1] < rec.series("loss")[0]
    with pytest.raises(ValueError, match="key must be one of"):
        rec.series("gradient")
    with pytest.raises(RuntimeError, match="callback"):
        gradflow.Recorder(X, Y).series("grad_W")


# ---- plots ----------------------------------------------------------------------------------------

def test_activation_function_curves_and_their_derivatives_agree():
    art = gradflow.activation_functions(alpha=0.2)
    z = art["lines"]["tanh"].get_xdata()
    for name in gradflow.EXPLORER_ACTIVATIONS:
        f = art["lines"][name].get_ydata()
        d = art["derivatives"][name].get_ydata()
        slope = np.gradient(f, z)
        away = np.abs(z) > 0.1                                         # not at ReLU's kink
        np.testing.assert_allclose(d[away], slope[away], atol=2e-3)
    assert art["derivatives"]["sigmoid"].get_ydata().max() == pytest.approx(0.25, abs=1e-4)
    leaky = art["lines"]["leaky_relu"]
    assert leaky.get_ydata()[0] == pytest.approx(0.2 * z[0])
    gradflow.update_activation_functions(art, alpha=0.05)
    assert art["lines"]["leaky_relu"] is leaky and leaky.get_ydata()[0] == pytest.approx(0.05 * z[0])
    with pytest.raises(ValueError, match="alpha"):
        gradflow.update_activation_functions(art, alpha=2.0)


def test_stats_by_layer_draws_one_line_per_key_and_updates_in_place():
    stats = gradflow.layer_stats(blocks.deep_net(6, 8, seed=0), X, Y)
    art = gradflow.stats_by_layer(stats, keys=("grad_W", "delta"))
    line = art["lines"][0]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 8))
    np.testing.assert_allclose(line.get_ydata(), stats["grad_W"])
    assert art["ax"].get_yscale() == "log"
    deeper = gradflow.layer_stats(blocks.deep_net(9, 8, seed=0), X, Y)
    gradflow.update_stats_by_layer(art, deeper)
    assert art["lines"][0] is line and len(line.get_xdata()) == 10
    assert art["ax"].get_xlim() == (0.5, 10.5)
    low, high = art["ax"].get_ylim()
    assert low <= min(deeper["grad_W"].min(), deeper["delta"].min())
    assert high >= max(deeper["grad_W"].max(), deeper["delta"].max())


def test_stats_by_layer_does_not_draw_zero_or_infinite_values_on_a_log_scale():
    stats = {"layer": np.arange(1, 5), "grad_W": np.array([0.0, 1e-3, np.inf, 1.0])}
    art = gradflow.stats_by_layer(stats, keys="grad_W")
    y = art["lines"][0].get_ydata()
    assert np.isnan(y[0]) and np.isnan(y[2]) and y[1] == 1e-3


@pytest.mark.parametrize("stats, keys, error", [
    ({"grad_W": np.ones(3)}, ("grad_W",), TypeError),
    ({"layer": np.arange(1, 4)}, ("grad_W",), ValueError),
    ({"layer": np.arange(1, 4), "grad_W": np.ones(3)}, ("gradient",), ValueError),
])
def test_stats_by_layer_explains_bad_input(stats, keys, error):
    with pytest.raises(error):
        gradflow.stats_by_layer(stats, keys=keys)


def test_grad_norm_history_shows_one_line_per_layer_and_follows_depth():
    norms = np.geomspace(1e-6, 1.0, 5)[None, :] * np.ones((20, 1))
    art = gradflow.grad_norm_history(norms)
    assert len(art["lines"]) == 5 and all(line.get_visible() for line in art["lines"])
    np.testing.assert_allclose(art["lines"][0].get_ydata(), 1e-6)
    gradflow.update_grad_norm_history(art, np.ones((7, 3)), steps=np.arange(1, 8))
    assert [line.get_visible() for line in art["lines"]] == [True] * 3 + [False] * 2
    np.testing.assert_array_equal(art["lines"][2].get_xdata(), np.arange(1, 8))
    gradflow.update_grad_norm_history(art, np.ones((4, 8)))
    assert len(art["lines"]) == 8
    with pytest.raises(ValueError, match="steps has 3 values"):
        gradflow.update_grad_norm_history(art, np.ones((4, 8)), steps=[1, 2, 3])
    with pytest.raises(ValueError, match="2-D"):
        gradflow.update_grad_norm_history(art, np.ones(4))


def test_activation_histograms_stack_one_histogram_per_layer():
    rng = np.random.default_rng(0)
    acts = [rng.normal(0, 1, (100, 8)), np.zeros((100, 8)), rng.uniform(-1, 1, (100, 8))]
    art = gradflow.activation_histograms(acts, bins=10)
    for l, line in enumerate(art["lines"]):
        y = line.get_ydata()
        assert y.min() == l + 1 and y.max() == pytest.approx(l + 1 + 0.85)
    assert art["texts"][1].get_text().strip() == "0.0e+00"
    x = art["lines"][0].get_xdata()
    m = np.abs(acts[0]).max()                       # about 3: the round interval is [-5, 5]
    assert 2 < m < 5 and (x[0], x[-1]) == (-5, 5) and art["ax"].get_xlim() == (-5, 5)
    gradflow.update_activation_histograms(art, [np.full((4, 2), 0.5), np.full((4, 2), 0.75)])
    assert art["ax"].get_xlim() == (0, 1)
    gradflow.update_activation_histograms(art, acts[:2])
    assert [line.get_visible() for line in art["lines"]] == [True, True, False]
    assert art["ax"].get_ylim()[1] == 3
    with pytest.raises(TypeError, match="list of arrays"):
        gradflow.update_activation_histograms(art, np.zeros((3, 3)))


def test_gradient_descent_path_reaches_the_least_squares_solution():
    rng = np.random.default_rng(1)
    Xl = rng.normal(size=(200, 2)) * [1.0, 3.0]
    yl = Xl @ [1.0, -2.0] + 0.1 * rng.normal(size=200)
    path, w_star, reached, cond = gradflow.gradient_descent_path(Xl, yl, steps=500)
    np.testing.assert_allclose(w_star, np.linalg.lstsq(Xl, yl, rcond=None)[0])
    eig = np.linalg.eigvalsh(Xl.T @ Xl / 200)
    assert cond == pytest.approx(eig[-1] / eig[0])
    assert reached is not None and np.linalg.norm(path[reached] - w_star) <= 1e-2 * np.linalg.norm(w_star)
    assert np.linalg.norm(path[reached - 1] - w_star) > 1e-2 * np.linalg.norm(w_star)
    with pytest.raises(ValueError, match="linearly dependent"):
        gradflow.gradient_descent_path(np.c_[Xl[:, 0], 2 * Xl[:, 0]], yl)


# ---- explorers ---------------------------------------------------------------------------------

def test_depth_explorer_update_redraws_for_every_slider_value():
    fig, update, controls = gradflow.depth_explorer(X, Y, depth=10, activation="sigmoid", epochs=2)
    assert set(controls) == {"depth", "activation", "init"}
    assert controls["depth"].value == 10 and controls["activation"].value == "sigmoid"
    art = update(depth=10, activation="sigmoid", init="xavier")
    lines = art["history_lines"]["lines"]
    assert art["ratio"] < 1e-2                               # layer 1 learns far slower than the last
    assert len(art["by_layer"]["lines"][0].get_xdata()) == 11
    art = update(depth=4, activation="relu", init="he")
    assert art["history_lines"]["lines"] is lines
    assert sum(line.get_visible() for line in lines) == 5
    assert sum(line.get_visible() for line in art["histograms"]["lines"]) == 4   # hidden layers only
    assert 0.1 < art["ratio"] < 10
    assert "relu, 4 hidden layers" in fig._suptitle.get_text()


def test_depth_explorer_reports_divergence_in_the_title_without_warnings(recwarn):
    fig, update, _ = gradflow.depth_explorer(X, Y, epochs=2)
    art = update(depth=10, activation="relu", init="large")
    assert art["history"].diverged
    assert art["history_lines"]["ax"].get_title().startswith("diverged")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_depth_explorer_says_when_every_unit_has_died():
    X256, Y256 = data.moons(n=256, noise=0.1, seed=0)
    fig, update, _ = gradflow.depth_explorer(data.standardize(X256)[0], Y256, epochs=8)
    art = update(depth=10, activation="relu", init="small")
    assert np.all(art["history"].grad_norms[-1] == 0)
    assert "exactly 0" in art["history_lines"]["ax"].get_title()


def test_init_explorer_shows_vanishing_exploding_and_steady_spread():
    fig, update, controls = gradflow.init_explorer(depth=12, width=64, activation="tanh")
    assert set(controls) == {"std", "depth", "width", "activation"}
    small = update(std=0.02, depth=12, width=64, activation="tanh")["stats"]
    assert small["a_std"][10] < 1e-5 * small["a_std"][0]          # shrinks by ~0.02 * 8 per layer
    xavier = update(std=np.sqrt(1 / 64), depth=12, width=64, activation="tanh")["stats"]
    assert 0.2 < xavier["a_std"][10] < 1.0
    he = update(std=np.sqrt(2 / 64), depth=12, width=64, activation="relu")["stats"]
    assert 0.5 < he["z_std"][10] / he["z_std"][1] < 2.0            # He keeps Var(z) steady
    lecun = update(std=np.sqrt(1 / 64), depth=12, width=64, activation="relu")["stats"]
    assert lecun["z_std"][10] / lecun["z_std"][1] == pytest.approx(0.5 ** (9 / 2), rel=0.5)
    art = update(std=1.0, depth=5, width=16, activation="sigmoid")
    assert len(art["spread"]["lines"][0].get_xdata()) == 5           # hidden layers only
    assert "Xavier std = 0.25" in fig._suptitle.get_text()


def test_scale_explorer_condition_number_grows_with_the_scale_and_standardizing_fixes_it():
    rng = np.random.default_rng(0)
    Xl = rng.normal(size=(400, 2))
    yl = Xl @ [1.0, 2.0]
    fig, update, controls = gradflow.scale_explorer(Xl, yl, scale=10.0)
    assert set(controls) == {"scale", "standardize"}
    art = update(scale=10.0, standardize=False)
    assert art["condition"] == pytest.approx(100, rel=0.3) and art["reached"] is None
    art = update(scale=10.0, standardize=True)
    assert art["condition"] < 1.5 and art["reached"] <= 10
    star = art["star"].get_xdata()[0], art["star"].get_ydata()[0]
    np.testing.assert_allclose(star, np.linalg.lstsq((Xl * [1, 10] - (Xl * [1, 10]).mean(0)) / (Xl * [1, 10]).std(0),
                                                     yl, rcond=None)[0])
    with pytest.raises(ValueError, match="2 columns"):
        gradflow.scale_explorer(np.ones((5, 3)), np.ones(5))


def test_explorer_figures_render():
    from nbtools.widgets import figure_png

    fig, update, _ = gradflow.init_explorer(depth=3, width=8)
    assert figure_png(fig)[:4] == b"\x89PNG"
    plt.close(fig)
