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
    # the diverged path is drawn to where it leaves the window, and crossed there, not at its end
    bad = paths["too large"].points        # y: 1.5, -3 (on the border), 6 (out): leaves at step 2
    shown = line_bad.get_xydata()
    np.testing.assert_array_equal(shown[:2], bad[:2])
    np.testing.assert_allclose(shown[2], bad[1] + (bad[2] - bad[1]) * 6 / 9)   # from -3 to 6: at 3
    assert len(shown) == 3 and shown[2][1] == pytest.approx(3.0)
    np.testing.assert_array_equal(art["lines"]["crosses"][1].get_xydata(), shown[-1:])
    assert len(art["lines"]["heads"][1].get_xdata()) == 0     # the cross replaces its end marker
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


def _tick_labels(ax):
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    major = [t.get_text() for t in ax.get_yticklabels() if low <= t.get_position()[1] <= high]
    minor = [t.get_text() for t in ax.get_yticklabels(minor=True) if t.get_text()]
    return major, minor


def test_a_log_loss_axis_over_one_decade_has_plain_labels_and_none_on_minor_ticks():
    art = P.loss_curves({"run": [0.6, 0.3, 0.1, 0.06]}, f_min=0.0)
    major, minor = _tick_labels(art["ax"])
    assert major == ["0.05", "0.1", "0.2", "0.5"] and minor == []   # 1, 2, 5 times powers of 10
    P.update_loss_curves(art, {"run": [10.0, 1.0, 1e-3, 1e-6]}, f_min=0.0)   # seven decades
    major, minor = _tick_labels(art["ax"])
    assert "0.05" not in major and len(major) >= 3 and minor == []
    assert all(label.startswith("$\\mathdefault{10^{") for label in major)   # powers of 10 again
    plt.close(art["ax"].figure)


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


def test_inside_window_cuts_a_path_where_it_leaves():
    pts = np.array([[0.0, 0.0], [0.5, 0.5], [3.0, 1.0], [0.0, 0.0]])
    shown, border = P.inside_window(pts, (-1, 1), (-2, 2))
    np.testing.assert_allclose(border, [1.0, 0.6])        # leaves through x = 1, a fifth of the way
    np.testing.assert_allclose(shown, [[0, 0], [0.5, 0.5], [1.0, 0.6]])
    shown, border = P.inside_window(pts[:2], (-1, 1), (-2, 2))
    assert border is None and np.array_equal(shown, pts[:2])
    shown, border = P.inside_window(np.array([[0.0, 0.0], [np.inf, np.nan]]), (-1, 1), (-1, 1))
    np.testing.assert_array_equal(border, [0.0, 0.0])
    with pytest.raises(ValueError, match="shape"):
        P.inside_window(np.zeros(3), (-1, 1), (-1, 1))


def test_a_diverging_path_never_paints_over_the_map():
    """Notebook 08 c9: the lr 0.25 path's later jumps once filled a band across the minimum."""
    bowl = landscapes.Quadratic(condition=10.0)
    paths = walks.run_all({"ok": optim.SGD(lr=0.1), "too large": optim.SGD(lr=0.25)}, bowl, steps=60)
    art = P.plot(bowl, paths)
    (x0, x1), (y0, y1) = bowl.bounds
    shown = art["lines"]["lines"][1].get_xydata()
    assert len(shown) < 5 and np.all((shown[:, 1] >= y0) & (shown[:, 1] <= y1))
    P.update(art, paths, upto=1)                  # a slider before the path left: still inside
    np.testing.assert_array_equal(art["lines"]["lines"][1].get_xydata(), paths["too large"].points[:2])
    assert len(art["lines"]["crosses"][1].get_xdata()) == 0


def test_end_markers_above_lines_and_the_star_outline_above_all():
    bowl = landscapes.Quadratic(condition=10.0)
    paths = walks.run_all({"a": optim.SGD(lr=0.1), "b": optim.SGD(lr=0.19)}, bowl, steps=60)
    art = P.plot(bowl, paths)
    lines, stars, fill = art["lines"], art["map"]["minima"], art["map"]["minima_fill"]
    heads = lines["heads"]
    assert max(line.get_zorder() for line in lines["lines"]) < fill.get_zorder() < heads[0].get_zorder()
    assert heads[0].get_zorder() < heads[1].get_zorder() < stars.get_zorder()
    # both runs end on the minimum: the later marker is smaller, so both show, and the star's
    # outline is see-through
    assert heads[1].get_markersize() < heads[0].get_markersize()
    assert stars.get_markerfacecolor() == "none"
    np.testing.assert_array_equal(fill.get_xydata(), stars.get_xydata())


def test_log_step_axis_shows_short_and_long_runs():
    rosenbrock = landscapes.Rosenbrock()
    paths = {"Newton": walks.newton(rosenbrock, steps=10),
             "GD": walks.run(optim.SGD(lr=0.001), rosenbrock, steps=3000)}
    ax = P.plot(rosenbrock, paths, step_scale="log")["losses"]["ax"]
    assert ax.get_xscale() == "symlog" and "log" in ax.get_xlabel()
    to_x = ax.transData.transform
    # Newton's 10 steps take a third of the axis, not 1/300 of it
    span = to_x((10, 1))[0] - to_x((0, 1))[0]
    assert span > 0.3 * (to_x((3000, 1))[0] - to_x((0, 1))[0])
    with pytest.raises(ValueError, match="step_scale"):
        P.plot(rosenbrock, paths, step_scale="sqrt")


def test_a_log_step_axis_draws_without_warnings():
    """matplotlib 3.7 (the oldest supported) warned about a symlog axis that was still empty."""
    import warnings

    bowl = landscapes.Quadratic()
    runs = walks.run_all({"SGD": optim.SGD(lr=0.05), "Adam": optim.Adam(lr=0.1)}, bowl, steps=30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        art = P.plot(bowl, runs, step_scale="log")
        art["fig"].canvas.draw()
    plt.close(art["fig"])
    # old matplotlib also brings deprecation warnings of its parsing library: not ours
    ours = [str(w.message) for w in caught if not w.category.__module__.startswith("pyparsing")]
    assert ours == []
