"""Tests of nbtools.plots: each plot shows what it claims, computed here independently of nn.forward.

The pictures of the hidden layers (activation space, layer transformation) are tested in
test_layerplots.py."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import data, nn, plots, training
from by_hand import forward_by_hand


@pytest.fixture
def v_data():
    return data.v_shape(n=60, seed=0)


@pytest.fixture
def net221():
    return nn.MLP([2, 2, 1], hidden="sigmoid", seed=3)


# ------------------------------------------------------------------ decision boundary

def test_decision_boundary_returns_its_artists(v_data, net221):
    X, y = v_data
    art = plots.decision_boundary(net221, X, y, resolution=30)
    assert {"ax", "image", "contours", "train", "val", "grid"} <= set(art)
    assert art["val"] is None
    assert art["image"] in art["ax"].images
    assert np.allclose(art["train"].get_offsets(), X)
    assert art["image"].get_array().shape == (30, 30)


def test_image_is_the_probability_on_the_grid(v_data, net221):
    X, y = v_data
    art = plots.decision_boundary(net221, X, y, resolution=25, margin=0.5)
    xs = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 25)
    ys = np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 25)
    xx, yy = np.meshgrid(xs, ys)
    expected = forward_by_hand(net221, np.column_stack([xx.ravel(), yy.ravel()]))[:, 0].reshape(25, 25)
    assert np.allclose(art["image"].get_array(), expected)
    assert art["image"].get_extent() == pytest.approx([xs[0], xs[-1], ys[0], ys[-1]])


def test_update_shows_the_new_weights(v_data, net221):
    X, y = v_data
    art = plots.decision_boundary(net221, X, y, resolution=20)
    before = np.array(art["image"].get_array())
    other = nn.MLP([2, 2, 1], hidden="sigmoid", seed=7)
    net221.set_weights(other.get_weights())
    plots.update_decision_boundary(art, net221)
    xx, yy, points = art["grid"]
    assert not np.allclose(art["image"].get_array(), before)
    assert np.allclose(art["image"].get_array(), forward_by_hand(other, points)[:, 0].reshape(xx.shape))


def test_the_thick_contour_is_where_p_is_one_half(v_data):
    X, y = v_data
    net = nn.MLP([2, 2, 1], hidden="sigmoid", seed=0)
    net.set_weights([np.array([[-3.0, 3.0], [3.0, 3.0]]), np.array([3.0, 3.0]),
                     np.array([[6.0, 6.0]]), np.array([-9.0])])       # the V by hand
    art = plots.decision_boundary(net, X, y, resolution=80, levels=(0.2, 0.5, 0.8))
    segments = art["contours"].allsegs[1]                              # levels sorted: 0.5 second
    vertices = np.vstack(segments)
    assert len(vertices) > 10
    assert np.all(np.abs(forward_by_hand(net, vertices)[:, 0] - 0.5) < 0.02)
    # The widths of the lines drawn on the axes, level by level (the data points aside). Asked of
    # the axes because matplotlib < 3.8 draws a contour set as one collection per level, newer
    # versions as one collection for all levels.
    lines = [c for c in art["ax"].collections if c is not art["train"]]
    widths = np.concatenate([c.get_linewidths() for c in lines])
    assert len(widths) == 3 and widths[1] > max(widths[0], widths[2])


def test_no_contour_when_the_network_says_one_class_everywhere(v_data, net221):
    X, y = v_data
    weights = net221.get_weights()
    weights[3] = np.array([50.0])            # output bias: P(y = 1) is ~1 everywhere
    net221.set_weights(weights)
    art = plots.decision_boundary(net221, X, y, resolution=20)
    assert art["contours"] is None


def test_validation_points_and_new_data(v_data, net221):
    X, y = v_data
    X_val, y_val = data.v_shape(n=20, seed=1)
    art = plots.decision_boundary(net221, X, y, X_val=X_val, y_val=y_val, resolution=20,
                                  extent=(-3, 3, -3, 3))
    assert np.allclose(art["val"].get_offsets(), X_val)
    assert art["image"].get_extent() == pytest.approx([-3, 3, -3, 3])
    X2, y2 = data.moons(n=40, seed=0)
    plots.update_decision_boundary(art, net221, X2, y2)
    assert np.allclose(art["train"].get_offsets(), X2)
    colors = art["train"].get_facecolors()
    assert np.allclose(colors[y2 == 0][0, :3], plt.matplotlib.colors.to_rgb(plots.POINT_COLORS[0]))
    assert np.allclose(colors[y2 == 1][0, :3], plt.matplotlib.colors.to_rgb(plots.POINT_COLORS[1]))


def test_softmax_regions_take_the_class_colour():
    X, y = data.blobs(n=90, k=3, noise=0.2, seed=0)
    net = nn.MLP([2, 3], output="softmax", seed=0)
    training.fit(net, X, y, lr=0.1, epochs=60, progress=False)
    art = plots.decision_boundary(net, X, y, resolution=40)
    rgb = art["image"].get_array()
    assert rgb.shape == (40, 40, 3)
    xx, yy, points = art["grid"]
    out = forward_by_hand(net, points)
    best = out.max(axis=1).argmax()          # the most confident grid point
    cls = out[best].argmax()
    colour = np.array(plt.matplotlib.colors.to_rgb(plots.POINT_COLORS[cls]))
    pixel = rgb.reshape(-1, 3)[best]
    # white faded toward the class colour: the pixel lies between white and that colour
    assert np.argmin(pixel) == np.argmin(colour) and np.all(pixel <= 1) and pixel.sum() < 3 - 0.5
    assert art["contours"] is not None


def test_decision_boundary_rejects_bad_input(v_data, net221):
    X, y = v_data
    with pytest.raises(ValueError, match="X must have shape"):
        plots.decision_boundary(net221, np.ones((5, 3)), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="y has 3 labels"):
        plots.decision_boundary(net221, X, y[:3])
    with pytest.raises(ValueError, match="classifier"):
        plots.decision_boundary(nn.MLP([2, 3, 1], output="identity"), X, y)
    with pytest.raises(ValueError, match="2 inputs"):
        plots.decision_boundary(nn.MLP([3, 1]), X, y)
    with pytest.raises(ValueError, match=r"levels\[0\]"):
        plots.decision_boundary(net221, X, y, levels=(1.5,))
    with pytest.raises(ValueError, match="extent"):
        plots.decision_boundary(net221, X, y, extent=(1, 0, 0, 1))
    with pytest.raises(TypeError, match="net must be an nbtools.nn.MLP"):
        plots.decision_boundary("network", X, y)


# ------------------------------------------------------------------ hidden-unit lines

def test_hidden_unit_lines_lie_where_w_x_plus_b_is_zero(net221):
    art = plots.hidden_unit_lines(net221, extent=(-3, 3, -2, 2))
    W, b = net221.parameters()[:2]
    assert len(art["lines"]) == 2
    offsets, (U, V) = art["arrows"].get_offsets(), (art["arrows"].U, art["arrows"].V)
    for j, line in enumerate(art["lines"]):
        xs, ys = line.get_data()
        ends = np.column_stack([xs, ys])
        assert np.allclose(ends @ W[j] + b[j], 0, atol=1e-9)
        assert np.hypot(*(ends[1] - ends[0])) > 6           # crosses the whole view
        arrow = np.array([U[j], V[j]])
        assert abs(offsets[j] @ W[j] + b[j]) < 1e-9          # the arrow starts on the line...
        assert (offsets[j] + arrow) @ W[j] + b[j] > 0        # ...and points to the positive side
        assert arrow @ np.array([-W[j, 1], W[j, 0]]) == pytest.approx(0, abs=1e-9)


def test_hidden_unit_lines_say_in_a_legend_which_colour_is_which_unit(net221):
    art = plots.hidden_unit_lines(net221, units=[1, 0])
    legend = art["ax"].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["hidden unit 1", "hidden unit 0"]
    assert [h.get_color() for h in legend.legend_handles] == [plots.UNIT_COLORS[1], plots.UNIT_COLORS[0]]


def test_hidden_unit_lines_follow_new_weights_and_skip_a_dead_unit(net221):
    fig, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    art = plots.hidden_unit_lines(net221, ax=ax)
    weights = net221.get_weights()
    weights[0] = np.array([[1.0, 0.0], [0.0, 0.0]])      # unit 1: the line x1 = 0.5; unit 2: no line
    weights[1] = np.array([-0.5, 1.0])
    net221.set_weights(weights)
    plots.update_hidden_unit_lines(art, net221)
    assert np.allclose(art["lines"][0].get_data()[0], 0.5)
    assert np.all(np.isnan(art["lines"][1].get_data()[0]))
    assert ax.get_xlim() == (-2, 2)


def test_hidden_unit_lines_check_their_input(net221):
    with pytest.raises(ValueError, match="units"):
        plots.hidden_unit_lines(net221, units=[5])
    with pytest.raises(ValueError, match="2 inputs"):
        plots.hidden_unit_lines(nn.MLP([3, 2, 1]))


# ------------------------------------------------------------------ training curves

def test_training_curves_show_the_history_and_a_marker():
    X, y = data.moons(n=40, seed=0)
    net = nn.MLP([2, 4, 1], seed=0)
    history = training.fit(net, X[:30], y[:30], epochs=5, batch_size=None, validation=(X[30:], y[30:]), progress=False)
    loss = plots.training_curves(history)
    assert np.allclose(loss["train"].get_ydata(), history.train_loss)
    assert np.allclose(loss["val"].get_ydata(), history.val_loss)
    assert list(loss["train"].get_xdata()) == [0, 1, 2, 3, 4, 5]
    assert loss["ax"].get_yscale() == "log" and not loss["marker"].get_visible()
    acc = plots.training_curves(history, metric="accuracy")
    assert np.allclose(acc["val"].get_ydata(), history.val_acc)
    plots.update_training_curves(acc, history, epoch=3)
    assert acc["marker"].get_visible() and list(acc["marker"].get_xdata()) == [3, 3]


def test_training_curves_check_their_input():
    X, y = data.moons(n=20, seed=0)
    history = training.fit(nn.MLP([2, 1], output="identity"), X, y.astype(float), epochs=2, batch_size=None,
                           progress=False)
    with pytest.raises(ValueError, match="metric must be one of"):
        plots.training_curves(history, metric="error")
    with pytest.raises(ValueError, match="no accuracy"):
        plots.training_curves(history, metric="acc")
    with pytest.raises(TypeError, match="History"):
        plots.training_curves([0.5, 0.4])


def test_a_network_with_blown_up_weights_still_draws_without_warnings():
    import warnings

    X, y = data.moons(n=40, seed=0)
    net = nn.MLP([2, 2, 1], seed=0)
    for p in net.parameters():
        p[...] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Except deprecations that matplotlib's own code meets in its dependencies (matplotlib 3.7
        # calls pyparsing names that pyparsing 3.3 deprecates): not the NaN weights, not nbtools.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="matplotlib")
        art = plots.decision_boundary(net, X, y)
        art["ax"].figure.canvas.draw()
    assert np.all(np.isnan(np.ma.getdata(art["image"].get_array())))  # drawn blank
    plt.close("all")


# ------------------------------------------------------------------ legends and log ticks


def test_the_legend_says_split_by_shape_and_class_by_colour(v_data, net221):
    # it used to show the first training point (red) for "train" and the first validation point
    # (blue) for "validation", as if colour told the split
    X, y = v_data
    X_val, y_val = data.v_shape(n=20, seed=1)
    art = plots.decision_boundary(net221, X, y, X_val=X_val, y_val=y_val, resolution=20)
    legend = art["ax"].get_legend()
    handles = dict(zip([t.get_text() for t in legend.get_texts()], legend.legend_handles))
    assert list(handles) == ["train", "validation", "class 0", "class 1"]
    train, val = handles["train"], handles["validation"]
    assert (train.get_marker(), val.get_marker()) == ("o", "s")
    class_rgb = [plt.matplotlib.colors.to_rgb(c) for c in plots.POINT_COLORS]
    for handle in (train, val):   # the split's markers are grey: no class colour
        for color in (handle.get_markerfacecolor(), handle.get_markeredgecolor()):
            if color != "none":
                rgb = plt.matplotlib.colors.to_rgb(color)
                assert rgb[0] == pytest.approx(rgb[1]) == pytest.approx(rgb[2]) and rgb not in class_rgb
    for k in (0, 1):
        assert np.allclose(handles[f"class {k}"].get_facecolor()[:3], class_rgb[k])
    plt.close("all")


def test_log_loss_axis_labels_plain_numbers_without_minor_labels():
    X, y = data.moons(n=60, seed=0)
    net = nn.MLP([2, 8, 1], seed=0)
    history = training.fit(net, X[:40], y[:40], epochs=60, batch_size=None, validation=(X[40:], y[40:]),
                           progress=False)
    art = plots.training_curves(history)
    ax = art["ax"]
    ax.figure.canvas.draw()
    low, high = ax.get_ylim()
    major = [t for t in ax.yaxis.get_major_ticks() if low <= t.get_loc() <= high]
    labels = [t.label1.get_text() for t in major]
    assert len(labels) >= 2 and all(label and "times" not in label and "^" not in label for label in labels)
    assert all(float(label) == pytest.approx(t.get_loc()) for label, t in zip(labels, major))
    assert not any(t.label1.get_text() for t in ax.yaxis.get_minor_ticks())
    plt.close("all")
