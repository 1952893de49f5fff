"""explore_gradients: the explorers' update functions called as a slider would call them."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import data, explore_gradients

X, Y = data.moons(n=128, noise=0.1, seed=0)
X = data.standardize(X)[0]


def test_depth_explorer_update_redraws_for_every_slider_value():
    live = explore_gradients.depth_explorer(X, Y, depth=10, activation="sigmoid", epochs=2)
    assert set(live.controls) == {"depth", "activation", "init"}
    assert live.controls["depth"].value == 10 and live.controls["activation"].value == "sigmoid"
    art = live.update(depth=10, activation="sigmoid", init="xavier")
    lines = art["history_lines"]["lines"]
    assert art["ratio"] < 1e-2                               # layer 1 learns far slower than the last
    assert len(art["by_layer"]["lines"][0].get_xdata()) == 11
    art = live.update(depth=4, activation="relu", init="he")
    assert art["history_lines"]["lines"] is lines
    assert sum(line.get_visible() for line in lines) == 5
    assert sum(line.get_visible() for line in art["histograms"]["lines"]) == 4   # hidden layers only
    assert 0.1 < art["ratio"] < 10
    assert "relu, 4 hidden layers" in live.fig._suptitle.get_text()


def test_depth_explorer_reports_divergence_in_the_title_without_warnings(recwarn):
    live = explore_gradients.depth_explorer(X, Y, epochs=2)
    art = live.update(depth=10, activation="relu", init="large")
    assert art["history"].diverged
    assert art["history_lines"]["ax"].get_title().startswith("diverged")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_depth_explorer_says_when_every_unit_has_died():
    X256, Y256 = data.moons(n=256, noise=0.1, seed=0)
    live = explore_gradients.depth_explorer(data.standardize(X256)[0], Y256, epochs=8)
    art = live.update(depth=10, activation="relu", init="small")
    assert np.all(art["history"].grad_norms[-1] == 0)
    assert "exactly 0" in art["history_lines"]["ax"].get_title()


def test_init_explorer_shows_vanishing_exploding_and_steady_spread():
    live = explore_gradients.init_explorer(depth=12, width=64, activation="tanh")
    assert set(live.controls) == {"std", "depth", "width", "activation"}
    small = live.update(std=0.02, depth=12, width=64, activation="tanh")["stats"]
    assert small["a_std"][10] < 1e-5 * small["a_std"][0]          # shrinks by ~0.02 * 8 per layer
    xavier = live.update(std=np.sqrt(1 / 64), depth=12, width=64, activation="tanh")["stats"]
    assert 0.2 < xavier["a_std"][10] < 1.0
    he = live.update(std=np.sqrt(2 / 64), depth=12, width=64, activation="relu")["stats"]
    assert 0.5 < he["z_std"][10] / he["z_std"][1] < 2.0            # He keeps Var(z) steady
    lecun = live.update(std=np.sqrt(1 / 64), depth=12, width=64, activation="relu")["stats"]
    assert lecun["z_std"][10] / lecun["z_std"][1] == pytest.approx(0.5 ** (9 / 2), rel=0.5)
    art = live.update(std=1.0, depth=5, width=16, activation="sigmoid")
    assert len(art["spread"]["lines"][0].get_xdata()) == 5           # hidden layers only
    assert "Xavier std = 0.25" in live.fig._suptitle.get_text()


def test_scale_explorer_condition_number_grows_with_the_scale_and_standardizing_fixes_it():
    rng = np.random.default_rng(0)
    Xl = rng.normal(size=(400, 2))
    yl = Xl @ [1.0, 2.0]
    live = explore_gradients.scale_explorer(Xl, yl, scale=10.0)
    assert set(live.controls) == {"scale", "standardize"}
    art = live.update(scale=10.0, standardize=False)
    assert art["condition"] == pytest.approx(100, rel=0.3) and art["reached"] is None
    art = live.update(scale=10.0, standardize=True)
    assert art["condition"] < 1.5 and art["reached"] <= 10
    star = art["star"].get_xdata()[0], art["star"].get_ydata()[0]
    np.testing.assert_allclose(star, np.linalg.lstsq((Xl * [1, 10] - (Xl * [1, 10]).mean(0)) / (Xl * [1, 10]).std(0),
                                                     yl, rcond=None)[0])
    with pytest.raises(ValueError, match="2 columns"):
        explore_gradients.scale_explorer(np.ones((5, 3)), np.ones(5))


def test_explorer_figures_render():
    from nbtools.live import figure_png

    live = explore_gradients.init_explorer(depth=3, width=8)
    assert figure_png(live.fig)[:4] == b"\x89PNG"
    plt.close(live.fig)

