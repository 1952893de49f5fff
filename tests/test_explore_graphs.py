"""Tests of nbtools.explore: the slider explorers of notebooks 01 and 03.

The update functions are called directly, as a slider would, and the texts, curves and markers
they leave on the figure are compared with numbers worked out here by hand (math.exp and the
running example's weights as listed in its docstring) or by central finite differences.
"""
import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import autograd, graphnet
from nbtools import explore_graphs as explore
from nbtools.autograd import Value
from nbtools.explore_graphs import copy_numbers, kink_explorer, relu_loss
from nbtools.graphnet import running_example


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def hand_forward(x, w46=-2.0, w69=2.0):
    """Every neuron's output a_j of the running example, by hand."""
    a3 = sig(2 * x - 1)                  # w_13 x + w_23 * 1
    a4 = sig(-1 * x + 0.5)               # w_14 x + w_24 * 1
    a6 = sig(1 * a3 + w46 * a4 + 0.5)    # w_36 a_3 + w_46 a_4 + w_56 * 1
    a7 = sig(1 * a4 - 0.5)               # w_47 a_4 + w_57 * 1
    a9 = sig(w69 * a6 - 1 * a7 + 0.5)    # w_69 a_6 + w_79 a_7 + w_89 * 1
    return {1: x, 2: 1.0, 3: a3, 4: a4, 5: 1.0, 6: a6, 7: a7, 8: 1.0, 9: a9}


def hand_deltas(x, y):
    """delta_j = dC/dz_j for C = 1/2 (a_9 - y)^2, by the chain rule written out neuron by neuron."""
    a = hand_forward(x)
    d9 = (a[9] - y) * a[9] * (1 - a[9])
    d6 = 2.0 * d9 * a[6] * (1 - a[6])
    d7 = -1.0 * d9 * a[7] * (1 - a[7])
    d4 = (-2.0 * d6 + 1.0 * d7) * a[4] * (1 - a[4])   # 4 feeds 6 and 7: both terms add
    d3 = 1.0 * d6 * a[3] * (1 - a[3])
    return {3: d3, 4: d4, 6: d6, 7: d7, 9: d9}


def labels(graph):
    return {j: t.get_text() for j, t in graph["node_labels"].items()}


# ---- running_example_explorer ---------------------------------------------------------------
def test_forward_explorer_starts_at_the_documented_values():
    live = explore.running_example_explorer()
    assert set(live.controls) == {"x", "w46"}
    assert live.controls["x"].value == 1.0 and live.controls["w46"].value == -2.0
    assert live.controls["x"].description == "x" and live.controls["w46"].description == "w46"
    art = live.update(x=1.0, w46=-2.0)
    assert labels(art["graph"])[9] == "a=0.78"          # sigma(1.26417...) = 0.77974
    mx, my = art["marker"].get_data()
    assert mx[0] == 1.0 and my[0] == pytest.approx(0.7797434, abs=1e-7)


@pytest.mark.parametrize("x, w46", [(0.5, 1.0), (-2.5, 3.0), (3.0, -4.0)])
def test_forward_explorer_update_writes_hand_computed_values(x, w46):
    live = explore.running_example_explorer()
    art = live.update(x=x, w46=w46)
    a = hand_forward(x, w46=w46)
    shown = labels(art["graph"])
    for j in range(1, 10):
        assert shown[j] == f"a={a[j]:.3g}", f"neuron {j}"
    assert art["graph"]["edge_labels"][(4, 6)].get_text() == f"{w46:.3g}"
    mx, my = art["marker"].get_data()
    assert mx[0] == x and my[0] == pytest.approx(a[9], abs=1e-12)
    xs, fs = art["curve"].get_data()
    for k in (0, 40, 80, 160):                  # the curve is f for this w46, at every x
        assert fs[k] == pytest.approx(hand_forward(xs[k], w46=w46)[9], abs=1e-12)
    assert live.fig.axes[0].get_title().endswith(f"{a[9]:.4f}")


def test_moving_x_moves_the_marker_only_and_moving_w46_changes_the_curve():
    live = explore.running_example_explorer()
    art = live.update(x=1.0, w46=-2.0)
    curve_before = art["curve"].get_ydata().copy()
    live.update(x=-1.0, w46=-2.0)
    np.testing.assert_array_equal(art["curve"].get_ydata(), curve_before)
    assert art["marker"].get_data()[0][0] == -1.0
    live.update(x=-1.0, w46=2.0)
    assert np.max(np.abs(art["curve"].get_ydata() - curve_before)) > 0.05
    # w46 changes only what lies downstream of the edge 4 -> 6: neurons 6 and 9
    a_old, a_new = hand_forward(-1.0, w46=-2.0), hand_forward(-1.0, w46=2.0)
    assert [j for j in range(1, 10) if a_old[j] != a_new[j]] == [6, 9]


def test_forward_explorer_redraws_through_live_figure():
    live = explore.running_example_explorer()
    before = live.image.value
    live.controls["w46"].value = 1.5             # what a slider move does
    assert bytes(live.image.value) != bytes(before)
    assert bytes(live.image.value).startswith(b"\x89PNG")
    assert "w46 = 1.50" in live.fig.axes[0].get_title()
    assert live.fig.axes[1].lines[0].get_ydata()[0] == pytest.approx(hand_forward(-4.0, w46=1.5)[9])


@pytest.mark.parametrize("builder", [explore.running_example_explorer, explore.backprop_explorer])
def test_no_box_around_the_diagram_in_the_live_picture(builder):
    """The live picture redraws single artists, spines included: the diagram's must be hidden."""
    from PIL import Image

    live = builder()
    picture = np.asarray(Image.open(io.BytesIO(bytes(live.image.value))).convert("L"))
    box = live.fig.axes[0].get_window_extent()          # pixels, origin at the bottom left
    height, left = picture.shape[0], int(round(box.x0))
    rows = slice(height - int(box.y1) + 5, height - int(box.y0) - 5)
    dark = [int((picture[rows, c] < 100).sum()) for c in range(left - 2, left + 3)]
    assert max(dark) < 20, f"a vertical line along the diagram's left edge: {dark}"


def test_forward_explorer_checks_its_arguments():
    with pytest.raises(ValueError, match="low < high"):
        explore.running_example_explorer(x_range=(2, -2))
    with pytest.raises(ValueError, match="x must be in"):
        explore.running_example_explorer(x=10.0)
    with pytest.raises(TypeError, match="pair"):
        explore.running_example_explorer(x_range=4)


# ---- outputs -----------------------------------------------------------------------------------
def test_outputs_is_f_at_every_x_and_needs_one_input_and_one_output():
    net = running_example()
    xs = np.array([-3.0, 0.0, 0.25, 2.0])
    np.testing.assert_allclose(graphnet.outputs_at(net, xs), [hand_forward(x)[9] for x in xs],
                               rtol=0, atol=1e-12)
    assert net.a[1] == 2.0                   # net holds the values of the last x
    from nbtools.graphnet import GraphNetwork
    two = GraphNetwork({1: "input", 2: "input", 3: "sigmoid"}, [(1, 3, 1.0), (2, 3, 1.0)])
    with pytest.raises(ValueError, match="one input and one output"):
        graphnet.outputs_at(two, xs)


# ---- backprop_explorer ------------------------------------------------------------------------
@pytest.mark.parametrize("x, y", [(1.0, 0.0), (2.0, 0.9), (-1.5, 0.45)])
def test_backprop_explorer_shows_hand_computed_deltas_and_gradients(x, y):
    live = explore.backprop_explorer()
    assert set(live.controls) == {"x", "y"}
    art = live.update(x=x, y=y)
    d, a = hand_deltas(x, y), hand_forward(x)
    shown = labels(art["graph"])
    for j in (3, 4, 6, 7, 9):
        assert shown[j] == f"δ={d[j]:.3g}", f"neuron {j}"
    for j in (1, 2, 5, 8):                   # input and bias neurons have no delta
        assert shown[j] == ""
    edge_text = {e: t.get_text() for e, t in art["graph"]["edge_labels"].items()}
    assert edge_text[(6, 9)] == f"{d[9] * a[6]:.3g}"
    assert edge_text[(4, 7)] == f"{d[7] * a[4]:.3g}"
    assert edge_text[(2, 3)] == f"{d[3] * 1.0:.3g}"


@pytest.mark.parametrize("x, y", [(1.0, 0.0), (0.5, 1.0)])
def test_backprop_explorer_curve_and_tangent_are_loss_and_its_slope(x, y):
    live = explore.backprop_explorer()
    art = live.update(x=x, y=y)

    def loss(w69):
        return 0.5 * (hand_forward(x, w69=w69)[9] - y) ** 2

    ws, cs = art["curve"].get_data()
    for k in (0, 30, 60, 120):
        assert cs[k] == pytest.approx(loss(ws[k]), abs=1e-12)
    assert ws[0] == -2.0 and ws[-1] == 6.0            # w69 = 2, plus and minus w_span = 4
    mw, mc = art["marker"].get_data()
    assert mw[0] == 2.0 and mc[0] == pytest.approx(loss(2.0), abs=1e-12)
    tw, tc = art["tangent"].get_data()
    slope = (tc[1] - tc[0]) / (tw[1] - tw[0])
    h = 1e-5
    numeric = (loss(2.0 + h) - loss(2.0 - h)) / (2 * h)
    assert slope == pytest.approx(numeric, rel=1e-6)
    assert art["net"].weight(6, 9) == 2.0              # the sweep put the weight back


def test_all_deltas_vanish_when_the_target_equals_the_output_and_flip_sign_across_it():
    live = explore.backprop_explorer()
    art = live.update(x=1.0, y=hand_forward(1.0)[9])
    assert all(abs(d) < 1e-15 for d in art["net"].delta.values())
    live.update(x=1.0, y=0.0)
    below = {j: np.sign(d) for j, d in art["net"].delta.items()}
    live.update(x=1.0, y=1.0)
    above = {j: np.sign(d) for j, d in art["net"].delta.items()}
    assert sorted(below) == [3, 4, 6, 7, 9]
    assert all(below[j] == -above[j] != 0 for j in below)


def test_backprop_explorer_other_weight_and_bad_arguments():
    live = explore.backprop_explorer(weight=(4, 6), w_span=2.0)
    art = live.update(x=1.0, y=0.0)
    ws = art["curve"].get_xdata()
    assert ws[0] == -4.0 and ws[-1] == 0.0
    assert art["graph"]["edges"][(4, 6)].get_edgecolor() != art["graph"]["edges"][(6, 9)].get_edgecolor()
    with pytest.raises(ValueError, match="no edge 3 -> 7"):
        explore.backprop_explorer(weight=(3, 7))
    with pytest.raises(TypeError, match="edge"):
        explore.backprop_explorer(weight="w69")
    with pytest.raises(ValueError, match="y must be in"):
        explore.backprop_explorer(y=2.0)


# ---- the slider's graph --------------------------------------------------------------------

def grads_by_label(root):
    return {v.label: v.grad for v in autograd.topological_order(root) if v.label}


def test_relu_loss_by_hand():
    L = relu_loss(0.75, w=2.0, b=-1.0, t=1.0)     # z = 0.5, a = 0.5, L = (0.5 - 1)^2
    assert L.data == 0.25
    g = grads_by_label(L)
    # dL/da = 2(a - t) = -1; dL/dz = -1; dL/dx = -1 * w; dL/dw = -1 * x; dL/dt = -2(a - t)
    assert (g["a"], g["z"], g["x"], g["w"], g["b"], g["t"]) == (-1.0, -1.0, -2.0, -0.75, -1.0, 1.0)


@pytest.mark.parametrize("x", [0.0, 0.5])             # the neuron is off, or exactly at the kink
def test_relu_loss_passes_nothing_back_through_an_inactive_relu(x):
    g = grads_by_label(relu_loss(x))
    assert g["a"] == -2.0 and g["t"] == 2.0
    assert g["z"] == g["x"] == g["w"] == g["b"] == 0.0


def test_copy_numbers_moves_data_and_grads():
    old, new = relu_loss(0.0), relu_loss(1.5)
    copy_numbers(old, new)
    assert [v.data for v in autograd.topological_order(old)] == \
        [v.data for v in autograd.topological_order(new)]
    assert grads_by_label(old) == grads_by_label(new)
    with pytest.raises(ValueError, match="differ"):
        copy_numbers(old, Value(1.0) * 2)


def test_kink_explorer_update_redraws_numbers_and_tangent():
    live = kink_explorer(x=0.0)
    slider = live.controls["x"]
    assert (slider.min, slider.max, slider.step, slider.value) == (-1.0, 2.0, 0.25, 0.0)
    art = live.update(0.75)
    texts = {v.label: t.get_text() for v, t in art["graph"]["boxes"].items()}
    assert "data 0.7500" in texts["x"] and "grad -2.0000" in texts["x"]
    assert "data 0.2500" in texts["L"]
    xs, ys = art["tangent"].get_data()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(-2.0)   # slope = dL/dx
    assert list(art["marker"].get_data()[1]) == [0.25]
    assert "dL/dx = -2.0000" in live.fig.axes[0].get_title()
    art = live.update(-0.5)
    assert "grad 0.0000" in {v.label: t.get_text() for v, t in art["graph"]["boxes"].items()}["w"]
    plt.close(live.fig)


def test_kink_explorer_with_live_figure_and_bad_arguments():
    live = kink_explorer(x=1.0)
    before = live.image.value
    live.refresh(x=0.25)
    assert live.image.value != before and live.image.value[:4] == b"\x89PNG"
    with pytest.raises(ValueError):
        kink_explorer(x=5.0)
    with pytest.raises(ValueError):
        kink_explorer(x_range=(2.0, 1.0))
    with pytest.raises(TypeError):
        kink_explorer(x_range=2.0)


@pytest.mark.parametrize("builder, moves", [
    (explore.running_example_explorer, [dict(x=-2.5, w46=3.0), dict(x=3.5, w46=-4.0)]),
    (explore.backprop_explorer, [dict(x=2.0, y=0.9), dict(x=-3.0, y=0.1)]),
    (kink_explorer, [dict(x=x) for x in (-1.0, 0.5, 1.25, 2.0)]),
])
def test_the_live_picture_equals_a_full_redraw(builder, moves):
    """What stays out of the redraw (``still``) must look as it would if everything were drawn."""
    from PIL import Image

    from nbtools.live import figure_png

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"), dtype=float)

    live = builder()
    for move in moves:
        live.set(**move)
        blitted = pixels(live.image.value)
        full = pixels(figure_png(live.fig, dpi=live.dpi))
        assert blitted.shape == full.shape
        assert np.mean(np.any(np.abs(blitted - full) > 8, axis=2)) < 0.0005, move
    plt.close(live.fig)


# ---- squared loss against cross-entropy (notebook 03) ----------------------------------------

def test_output_loss_curves_match_the_formulas_and_finite_differences():
    from nbtools.explore_graphs import output_loss_curves
    from nbtools.gradcheck import numerical_gradient

    z = np.array([-6.0, -0.7, 0.0, 3.0])
    for y in (0, 1):
        got = output_loss_curves(z, y)
        a = 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(got["bce"], -(y * np.log(a) + (1 - y) * np.log(1 - a)), rtol=1e-10)
        np.testing.assert_allclose(got["bce_dz"], a - y, rtol=1e-10)
        for key in ("squared", "bce"):            # each slope is the derivative of its loss
            numeric = numerical_gradient(lambda v: np.sum(output_loss_curves(v, y)[key]), z.copy())
            np.testing.assert_allclose(got[key + "_dz"], numeric, rtol=1e-6, atol=1e-9)
    wrong = output_loss_curves([-6.0], 1)         # confidently wrong: squared barely moves
    assert abs(wrong["squared_dz"][0]) < 0.003 and wrong["bce_dz"][0] < -0.99
    assert np.isfinite(output_loss_curves([800.0], 0)["bce"][0])   # no overflow far out


def test_output_loss_explorer_updates_and_refuses_bad_input():
    live = explore.output_loss_explorer(z=-6.0, y=1)
    try:
        art = live.update(z=2.0, y=0)
        x, y = art["markers"]["bce_dz"].get_data()
        assert x[0] == 2.0 and y[0] == pytest.approx(1 / (1 + np.exp(-2.0)))   # a - 0
        assert "cross-entropy" in live.fig.axes[1].get_title()
    finally:
        plt.close(live.fig)
    with pytest.raises(ValueError, match="label 0 or 1"):
        explore.output_loss_explorer(y=0.5)
    with pytest.raises(ValueError, match="label 0 or 1"):
        explore.output_loss_curves([0.0], 0.3)
    with pytest.raises(ValueError):
        explore.output_loss_explorer(z=20.0)
