"""gradplots: the plots' artists, drawn and updated in place, on numbers from gradstats; and the
loss surface of a least-squares model."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import blocks, data, gradplots, gradstats, walks

X, Y = data.moons(n=128, noise=0.1, seed=0)
X = data.standardize(X)[0]


def test_activation_function_curves_and_their_derivatives_agree():
    art = gradplots.activation_functions(alpha=0.2)
    z = art["lines"]["tanh"].get_xdata()
    for name in gradplots.ACTIVATION_NAMES:
        f = art["lines"][name].get_ydata()
        zd, d = art["derivatives"][name].get_data()    # the jumping ones hold a NaN gap at 0
        slope = np.interp(zd, z, np.gradient(f, z))
        away = np.abs(zd) > 0.1                                        # not at ReLU's kink
        np.testing.assert_allclose(d[away], slope[away], atol=2e-3)
    assert art["derivatives"]["sigmoid"].get_ydata().max() == pytest.approx(0.25, abs=1e-4)
    leaky = art["lines"]["leaky_relu"]
    assert leaky.get_ydata()[0] == pytest.approx(0.2 * z[0])
    gradplots.update_activation_functions(art, alpha=0.05)
    assert art["lines"]["leaky_relu"] is leaky and leaky.get_ydata()[0] == pytest.approx(0.05 * z[0])
    with pytest.raises(ValueError, match="alpha"):
        gradplots.update_activation_functions(art, alpha=2.0)


def test_a_derivative_that_jumps_is_drawn_as_two_pieces_with_dots_at_zero():
    art = gradplots.activation_functions(alpha=0.1)
    for name, at, other in [("relu", 0.0, 1.0), ("leaky_relu", 0.1, 1.0)]:   # df(0): the left slope
        x, d = art["derivatives"][name].get_data()
        gap = np.flatnonzero(np.isnan(d))
        assert len(gap) == 1, f"{name}: one gap, no vertical segment through z = 0"
        left, right = (x[:gap[0]], d[:gap[0]]), (x[gap[0] + 1:], d[gap[0] + 1:])
        assert left[0].max() == 0.0 and right[0].min() == 0.0          # both pieces reach z = 0
        assert np.ptp(left[1]) == 0 and np.ptp(right[1]) == 0          # each piece is flat
        filled, hollow = art["jumps"][name]
        assert list(filled.get_data()[1]) == [at]                      # the value df takes at 0
        assert list(hollow.get_data()[1]) == [other]                   # the other side's limit
    for name in ("sigmoid", "tanh"):                                   # smooth: no gap, no dots
        assert not np.isnan(art["derivatives"][name].get_ydata()).any()
        assert len(art["jumps"][name][0].get_xdata()) == 0
    gradplots.update_activation_functions(art, alpha=0.3)
    assert list(art["jumps"]["leaky_relu"][0].get_data()[1]) == [0.3]


def test_stats_by_layer_draws_one_line_per_key_and_updates_in_place():
    stats = gradstats.layer_stats(blocks.deep_net(6, 8, seed=0), X, Y)
    art = gradplots.stats_by_layer(stats, keys=("grad_W", "delta"))
    line = art["lines"][0]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 8))
    np.testing.assert_allclose(line.get_ydata(), stats["grad_W"])
    assert art["ax"].get_yscale() == "log"
    deeper = gradstats.layer_stats(blocks.deep_net(9, 8, seed=0), X, Y)
    gradplots.update_stats_by_layer(art, deeper)
    assert art["lines"][0] is line and len(line.get_xdata()) == 10
    assert art["ax"].get_xlim() == (0.5, 10.5)
    low, high = art["ax"].get_ylim()
    assert low <= min(deeper["grad_W"].min(), deeper["delta"].min())
    assert high >= max(deeper["grad_W"].max(), deeper["delta"].max())


def test_stats_by_layer_does_not_draw_zero_or_infinite_values_on_a_log_scale():
    stats = {"layer": np.arange(1, 5), "grad_W": np.array([0.0, 1e-3, np.inf, 1.0])}
    art = gradplots.stats_by_layer(stats, keys="grad_W")
    y = art["lines"][0].get_ydata()
    assert np.isnan(y[0]) and np.isnan(y[2]) and y[1] == 1e-3


@pytest.mark.parametrize("stats, keys, error", [
    ({"grad_W": np.ones(3)}, ("grad_W",), TypeError),
    ({"layer": np.arange(1, 4)}, ("grad_W",), ValueError),
    ({"layer": np.arange(1, 4), "grad_W": np.ones(3)}, ("gradient",), ValueError),
])
def test_stats_by_layer_explains_bad_input(stats, keys, error):
    with pytest.raises(error):
        gradplots.stats_by_layer(stats, keys=keys)


def test_grad_norm_history_shows_one_line_per_layer_and_follows_depth():
    norms = np.geomspace(1e-6, 1.0, 5)[None, :] * np.ones((20, 1))
    art = gradplots.grad_norm_history(norms)
    assert len(art["lines"]) == 5 and all(line.get_visible() for line in art["lines"])
    np.testing.assert_allclose(art["lines"][0].get_ydata(), 1e-6)
    gradplots.update_grad_norm_history(art, np.ones((7, 3)), steps=np.arange(1, 8))
    assert [line.get_visible() for line in art["lines"]] == [True] * 3 + [False] * 2
    np.testing.assert_array_equal(art["lines"][2].get_xdata(), np.arange(1, 8))
    gradplots.update_grad_norm_history(art, np.ones((4, 8)))
    assert len(art["lines"]) == 8
    with pytest.raises(ValueError, match="steps has 3 values"):
        gradplots.update_grad_norm_history(art, np.ones((4, 8)), steps=[1, 2, 3])
    with pytest.raises(ValueError, match="2-D"):
        gradplots.update_grad_norm_history(art, np.ones(4))


def test_activation_histograms_stack_one_histogram_per_layer():
    rng = np.random.default_rng(0)
    acts = [rng.normal(0, 1, (100, 8)), np.zeros((100, 8)), rng.uniform(-1, 1, (100, 8))]
    art = gradplots.activation_histograms(acts, bins=10)
    for l, line in enumerate(art["lines"]):
        y = line.get_ydata()
        assert y.min() == l + 1 and y.max() == pytest.approx(l + 1 + 0.85)
    assert art["texts"][1].get_text().strip() == "0.0e+00"
    x = art["lines"][0].get_xdata()
    m = np.abs(acts[0]).max()                       # about 3: the round interval is [-5, 5]
    assert 2 < m < 5 and (x[0], x[-1]) == (-5, 5) and art["ax"].get_xlim() == (-5, 5)
    gradplots.update_activation_histograms(art, [np.full((4, 2), 0.5), np.full((4, 2), 0.75)])
    assert art["ax"].get_xlim() == (0, 1)
    gradplots.update_activation_histograms(art, acts[:2])
    assert [line.get_visible() for line in art["lines"]] == [True, True, False]
    assert art["ax"].get_ylim()[1] == 3
    with pytest.raises(TypeError, match="list of arrays"):
        gradplots.update_activation_histograms(art, np.zeros((3, 3)))



def test_loss_surface_draws_the_path_of_gradient_descent_to_the_minimum():
    rng = np.random.default_rng(1)
    Xl = rng.normal(size=(200, 2)) * [1.0, 3.0]
    yl = Xl @ [1.0, -2.0] + 0.1 * rng.normal(size=200)
    art = gradplots.loss_surface(Xl, yl, steps=500)
    path, w_star, reached, cond = walks.gradient_descent_path(Xl, yl, steps=500)
    np.testing.assert_array_equal(art["path"].get_xydata(), path)
    assert (art["reached"], art["condition"]) == (reached, cond)
    assert f"{reached} steps" in art["ax"].get_title()
    gradplots.update_loss_surface(art, Xl * [1.0, 10.0], yl)          # worse conditioned: slower
    assert art["condition"] > cond and (art["reached"] is None or art["reached"] > reached)
    with pytest.raises(ValueError, match="X must have 2 columns"):
        gradplots.update_loss_surface(art, np.ones((5, 3)), np.ones(5))
    plt.close(art["ax"].figure)
