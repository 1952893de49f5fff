"""Tests of nbtools.layerplots: each picture of a hidden layer shows what it claims, computed here
independently of nn.forward."""
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import data, layerplots, nn, training
from by_hand import forward_by_hand, sigmoid


# ------------------------------------------------------------------ activation space

def test_activation_space_shows_the_penultimate_activations():
    X, y = data.circles(n=80, seed=0)
    X_val, y_val = data.circles(n=30, seed=1)
    net = nn.MLP([2, 4, 2, 1], hidden="relu", seed=1)
    art = layerplots.activation_space(net, X, y, X_val=X_val, y_val=y_val)
    assert np.allclose(art["train"].get_offsets(), forward_by_hand(net, X, upto=2))
    assert np.allclose(art["val"].get_offsets(), forward_by_hand(net, X_val, upto=2))
    net.forward(X)
    assert np.allclose(art["train"].get_offsets(), net.a[-2])
    # the output unit's line w . a + b = 0, drawn in that space
    W, b = net.parameters()[4:6]
    xs, ys = art["line"].get_data()
    assert art["line"].get_visible()
    assert np.allclose(np.column_stack([xs, ys]) @ W[0] + b[0], 0, atol=1e-9)
    # the background: the output layer applied to the activation-space grid
    x0, x1, y0, y1 = art["image"].get_extent()
    image = art["image"].get_array()
    corner = sigmoid(np.array([x0, y0]) @ W[0] + b[0])
    assert image[0, 0] == pytest.approx(corner)
    assert art["image"].get_visible() and not art["note"].get_visible()


def test_activation_space_of_the_first_layer_and_fixed_view_for_tanh():
    X, y = data.moons(n=50, seed=0)
    net = nn.MLP([2, 2, 2, 1], hidden="tanh", seed=0)
    art = layerplots.activation_space(net, X, y, layer=1)
    assert np.allclose(art["train"].get_offsets(), forward_by_hand(net, X, upto=1))
    assert not art["line"].get_visible()                   # layer 1 is not the penultimate layer
    assert art["ax"].get_xlim() == pytest.approx((-1.1, 1.1))


def test_activation_space_projects_many_units_on_their_principal_components():
    X, y = data.moons(n=70, seed=0)
    net = nn.MLP([2, 6, 1], hidden="tanh", seed=2)
    art = layerplots.activation_space(net, X, y)
    H = forward_by_hand(net, X, upto=1)
    centred = H - H.mean(axis=0)
    _, s, Vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ Vt[:2].T
    got = art["train"].get_offsets()
    for k in range(2):     # a principal direction is defined up to its sign
        assert np.allclose(got[:, k], expected[:, k]) or np.allclose(got[:, k], -expected[:, k])
    share = 100 * (s[:2] ** 2).sum() / (s ** 2).sum()
    assert art["note"].get_text() == f"PCA of 6 units: {share:.0f}% of the spread shown"
    assert not art["image"].get_visible() and not art["line"].get_visible()


def test_activation_space_update_follows_training():
    X, y = data.moons(n=60, seed=0)
    net = nn.MLP([2, 3, 2, 1], hidden="relu", seed=0)
    art = layerplots.activation_space(net, X, y)
    training.fit(net, X, y, lr=0.05, epochs=30, batch_size=None, progress=False)
    layerplots.update_activation_space(art, net)
    assert np.allclose(art["train"].get_offsets(), forward_by_hand(net, X, upto=2))
    lo_x, hi_x = art["ax"].get_xlim()
    assert lo_x <= art["train"].get_offsets()[:, 0].min() and art["train"].get_offsets()[:, 0].max() <= hi_x


def test_activation_space_with_round_limits_keeps_round_numbers_while_the_points_move():
    X, y = data.moons(n=60, seed=0)
    net = nn.MLP([2, 6, 1], hidden="relu", seed=0)
    art = layerplots.activation_space(net, X, y, round_limits=True)
    points = art["train"].get_offsets()
    for axis, (lo, hi) in enumerate([art["ax"].get_xlim(), art["ax"].get_ylim()]):
        m = hi / 1.05                                          # [-m, m] or [0, m] with a 5% margin
        assert np.isclose(lo, -m * (1.05 if points[:, axis].min() < 0 else 0.05))
        mantissa = m / 10 ** np.floor(np.log10(m))
        assert np.isclose(mantissa, [1, 2, 5]).any()           # 1, 2 or 5 times a power of 10
        assert lo <= points[:, axis].min() and points[:, axis].max() <= hi
        assert points[:, axis].__abs__().max() > m / 5         # round, but not far too wide
    limits = art["limits"]
    for W in net.dense[0].params["W"], net.dense[0].params["b"]:
        W *= 1.05                                              # a small change: the same limits
    layerplots.update_activation_space(art, net)
    assert art["limits"] == limits
    net.dense[0].params["W"] *= 20                             # a big one: larger round limits
    net.dense[0].params["b"] *= 20
    layerplots.update_activation_space(art, net)
    assert art["limits"][1] > limits[1]
    assert np.abs(art["train"].get_offsets()).max() <= max(np.abs(art["limits"]))


def test_activation_space_rejects_the_output_layer():
    X, y = data.moons(n=20, seed=0)
    with pytest.raises(ValueError, match="layer must name the input or a hidden layer"):
        layerplots.activation_space(nn.MLP([2, 4, 1]), X, y, layer=2)
    with pytest.raises(TypeError, match="layer must be an integer"):
        layerplots.activation_space(nn.MLP([2, 4, 1]), X, y, layer="last")


# ------------------------------------------------------------------ layer transformation

def test_layer_transformation_carries_the_grid_through_each_two_unit_layer():
    X, y = data.moons(n=40, seed=0)
    net = nn.MLP([2, 2, 3, 2, 1], hidden="tanh", seed=0)
    art = layerplots.layer_transformation(net, X, y, n_lines=5, points_per_line=7, margin=0.5)
    assert [p["layer"] for p in art["panels"]] == [0, 1, 3]
    labels = [(p["ax"].get_xlabel(), p["ax"].get_ylabel()) for p in art["panels"]]
    assert labels[0] == ("$x_1$", "$x_2$")                   # every panel says what its axes are
    assert all("a^{(3)}_0" in x and "a^{(3)}_1" in y for x, y in labels[2:])
    xs = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 5)
    ys = np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 5)
    t = np.linspace(0, 1, 7)
    vertical = [np.column_stack([np.full(7, x), ys[0] + t * (ys[-1] - ys[0])]) for x in xs]
    horizontal = [np.column_stack([xs[0] + t * (xs[-1] - xs[0]), np.full(7, v)]) for v in ys]
    lines = np.array(vertical + horizontal)                     # (10, 7, 2)
    for panel in art["panels"]:
        segments = np.array(panel["lines"].get_segments())
        expected = lines if panel["layer"] == 0 else forward_by_hand(
            net, lines.reshape(-1, 2), upto=panel["layer"]).reshape(10, 7, 2)
        assert np.allclose(segments, expected)
        expected_points = X if panel["layer"] == 0 else forward_by_hand(net, X, upto=panel["layer"])
        assert np.allclose(panel["train"].get_offsets(), expected_points)
    assert art["panels"][-1]["line"].get_visible()       # layer 3 is the penultimate layer


def test_layer_transformation_checks_layers_and_axes():
    X, y = data.moons(n=20, seed=0)
    with pytest.raises(ValueError, match="no hidden layer with 2 units"):
        layerplots.layer_transformation(nn.MLP([2, 8, 1]), X, y)
    with pytest.raises(ValueError, match="layer 1 has 8"):
        layerplots.layer_transformation(nn.MLP([2, 8, 2, 1]), X, y, layers=[1])
    fig, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="one axes per panel: 2"):
        layerplots.layer_transformation(nn.MLP([2, 8, 2, 1]), X, y, ax=axes)


# ------------------------------------------------------------------ blown-up weights

def test_a_network_with_blown_up_weights_still_draws_without_warnings():
    X, y = data.moons(n=40, seed=0)
    net = nn.MLP([2, 2, 2, 1], seed=0)
    for p in net.parameters():
        p[...] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Except deprecations that matplotlib's own code meets in its dependencies (matplotlib 3.7
        # calls pyparsing names that pyparsing 3.3 deprecates): not the NaN weights, not nbtools.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="matplotlib")
        space = layerplots.activation_space(net, X, y)
        bent = layerplots.layer_transformation(net, X, y)
        space["ax"].figure.canvas.draw()
        bent["axes"][0].figure.canvas.draw()
    assert np.all(np.isnan(space["train"].get_offsets()))              # the points: nowhere
    assert np.all(np.isnan(np.ma.getdata(space["image"].get_array())))  # the background: blank
    assert np.all(np.isnan(bent["panels"][-1]["train"].get_offsets()))
    assert np.allclose(bent["panels"][0]["train"].get_offsets(), X)     # the input plane is intact
    plt.close("all")
