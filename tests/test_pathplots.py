"""Tests of nbtools.pathplots: the contour map, the path lines and the loss curves, drawn and
moved in place."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import landscapes, optim
from nbtools import pathplots as P
from nbtools import walks


def test_shown_values_uses_log_for_deep_valleys_and_linear_for_bowls():
    _, _, Z = landscapes.Rosenbrock().grid(51)
    V, name = P.shown_values(Z)
    assert name.startswith("log10")
    np.testing.assert_allclose(V, np.log10(Z - Z.min() + 1e-3 * np.median(Z - Z.min()) + 1e-12))
    _, _, Zs = landscapes.Saddle().grid(51)
    V, name = P.shown_values(Zs)
    assert name == "loss" and V is not None and np.array_equal(V, Zs)
    assert P.shown_values(Zs, "log")[1].startswith("log10")
    with pytest.raises(ValueError, match="scale"):
        P.shown_values(Zs, "cubic")


def test_contour_map_draws_once_and_switches_surface():
    fig, ax = plt.subplots()
    art = P.contour_map(landscapes.Himmelblau(), ax)
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)
    assert len(art["minima"].get_xdata()) == 4
    n_collections = len(ax.collections)
    P.update_contour_map(art, landscapes.Rosenbrock())
    assert len(ax.collections) == n_collections          # the old contours were removed
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    np.testing.assert_array_equal(art["minima"].get_xydata(), [[1.0, 1.0]])
    assert "rosenbrock" in ax.get_title()
    with pytest.raises(TypeError, match="surface must be"):
        P.update_contour_map(art, "rosenbrock")


def test_lines_show_the_points_and_flag_divergence():
    bowl = landscapes.Quadratic(condition=10.0)
    paths = walks.run_all({"ok": optim.SGD(lr=0.1), "too large": optim.SGD(lr=0.3)}, bowl, steps=40)
    assert paths["too large"].diverged
    art = P.plot(bowl, paths, mark_every=5)
    line_ok, line_bad = art["lines"]["lines"]
    np.testing.assert_array_equal(line_ok.get_xydata(), paths["ok"].points)
    np.testing.assert_array_equal(art["lines"]["heads"][0].get_xydata(), paths["ok"].points[-1:])
    assert len(art["lines"]["crosses"][0].get_xdata()) == 0
    np.testing.assert_array_equal(art["lines"]["crosses"][1].get_xydata(), paths["too large"].points[-1:])
    texts = [t.get_text() for t in art["losses"]["legend"].get_texts()]
    assert texts == ["ok", f"too large (diverged at step {paths['too large'].diverged_at})"]
    np.testing.assert_array_equal(art["lines"]["start"].get_xydata(), [bowl.start])


def test_loss_curves_plot_height_above_the_minimum_on_a_log_scale():
    saddle = landscapes.Saddle(bounded=True)
    paths = walks.run_all({"gd": optim.SGD(lr=0.05)}, saddle, start=(1.5, 0.01), steps=50)
    art = P.plot(saddle, paths)
    ax = art["losses"]["ax"]
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(art["losses"]["lines"][0].get_ydata(), paths["gd"].losses + 1.0)
    np.testing.assert_array_equal(art["losses"]["lines"][0].get_xdata(), np.arange(51))


def test_loss_curves_linear_without_f_min_and_accept_arrays():
    art = P.loss_curves({"a": [3.0, 2.0, -1.0], "b": np.array([1.0, 0.5, 0.2])}, step_every=10,
                        xlabel="epoch")
    assert art["ax"].get_yscale() == "linear" and art["ax"].get_xlabel() == "epoch"
    np.testing.assert_array_equal(art["lines"][0].get_xdata(), [0, 10, 20])
    P.update_loss_curves(art, {"a": [1.0, 0.1], "b": [2.0, 0.2]}, f_min=0.0)
    assert art["ax"].get_yscale() == "log"
    np.testing.assert_array_equal(art["lines"][1].get_ydata(), [2.0, 0.2])
    with pytest.raises(ValueError, match="labels"):
        P.update_loss_curves(art, {"c": [1.0], "b": [1.0]})


def test_update_moves_lines_in_place_and_upto_truncates():
    bowl = landscapes.Quadratic()
    art = P.plot(bowl, walks.run_all({"SGD": optim.SGD(lr=0.05)}, bowl, steps=20))
    line = art["lines"]["lines"][0]
    new = walks.run_all({"SGD": optim.SGD(lr=0.15)}, bowl, steps=20)
    P.update(art, new)
    assert art["lines"]["lines"][0] is line
    np.testing.assert_array_equal(line.get_xydata(), new["SGD"].points)
    P.update(art, new, upto=4)
    np.testing.assert_array_equal(line.get_xydata(), new["SGD"].points[:5])
    np.testing.assert_array_equal(art["losses"]["lines"][0].get_ydata(), new["SGD"].losses[:5])
    with pytest.raises(ValueError, match="labels"):
        P.update(art, {"Adam": new["SGD"]})
    with pytest.raises(TypeError, match="Trajectory"):
        P.update(art, {"SGD": np.zeros((3, 2))})


def test_map_only_plot_and_gradient_flow_style():
    surface = landscapes.Quadratic(condition=2.0)
    paths = {"gd": walks.run(optim.SGD(lr=0.1), surface, steps=10),
             "flow": walks.gradient_flow(surface, t_max=1.0, dt=0.01)}
    art = P.plot(surface, paths, losses=False)
    assert art["losses"] is None and len(art["fig"].axes) == 1
    flow_line = art["lines"]["lines"][1]
    assert flow_line.get_color() == "k" and flow_line.get_linestyle() == "--"
