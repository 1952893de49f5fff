"""Tests of nbtools.playgroundplots, the pictures of notebook 13's playground.

Independent expectations: what a square or an edge stands for is found from where it is drawn
(the squares' extents, the lines' end points), not from the order the code made them in; colours
are judged by their red and blue parts and against the colour map's own ends and middle; the
principal components are computed here by an eigen-decomposition of the covariance, a second route.
"""
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import AxesImage

from nbtools import playgroundplots as pp
from nbtools.playground import Session
from nbtools.playground_state import State
from nbtools.plots import BINARY_CMAP, POINT_COLORS

CMAP = plt.get_cmap(BINARY_CMAP)
ALL_FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")


def reddish(rgba):
    r, g, b = np.asarray(rgba)[..., :3].T
    return (r > b + 0.15) & (r > g + 0.1)


def bluish(rgba):
    r, g, b = np.asarray(rgba)[..., :3].T
    return b > r + 0.15


def whitish(rgba):
    return np.all(np.asarray(rgba)[..., :3] > 0.9, axis=-1)


def every_warning_an_error():
    """Inside ``warnings.catch_warnings()``: a warning from the drawing is an error, except a
    library's deprecation notice about another library (matplotlib 3.7 calls pyparsing by names
    newer pyparsing deprecates), which nbtools can do nothing about."""
    warnings.simplefilter("error")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="(matplotlib|pyparsing)")


def drawn(state, epochs=2):
    """A session trained ``epochs`` epochs and its pictures, drawn then updated, with every warning
    an error."""
    session = Session(state)
    with warnings.catch_warnings():
        every_warning_an_error()
        art = pp.draw(session)
        session.train(epochs)
        pp.update(art, session)
        art["fig"].canvas.draw()
    return session, art


def unit_squares(art):
    return [c for c in art["net_ax"].get_children() if isinstance(c, AxesImage)]


def centre(image):
    x0, x1, y0, y1 = image.get_extent()
    return (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2


STATES = {
    **{d: State(dataset=d) for d in ("circle", "xor", "gaussians", "spiral", "moons", "v")},
    "plane": State(dataset="plane", problem="regression"),
    "bumps": State(dataset="bumps", problem="regression", discretize=True, show_test=True),
    "no hidden layer": State(layers=()),
    "no hidden layer, one feature": State(layers=(), features=("x1sq",)),
    "6 layers of 8": State(layers=(8,) * 6, activation="relu"),
    "one unit": State(layers=(1,)),
    "all features": State(features=ALL_FEATURES),
    "5 classes": State(dataset="gaussians", classes=5, layers=(3,)),
    "3 classes, no hidden layer": State(dataset="gaussians", classes=3, layers=()),
    "discretize": State(discretize=True),
    "show test": State(show_test=True),
    "dropout and points": State(dropout=0.3, points=((1.0, 1.0, 0), (-2.0, 3.5, 1))),
}


@pytest.mark.parametrize("name", STATES)
def test_draw_then_update_every_kind_of_playground(name):
    state = STATES[name]
    session, art = drawn(state)
    sizes = [len(state.features), *state.layers, session.net.sizes[-1]]
    squares = unit_squares(art)
    assert len(squares) == sum(sizes)                              # one square per unit
    assert [len(column) for column in art["thumbs"]] == sizes
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert len(art["edges"].get_segments()) == n_weights           # one line per weight
    assert len(art["edges"].get_linewidths()) == n_weights
    assert len(art["grad_bars"]) == len(sizes) - 1
    # the squares of a column are one below the other, at one x
    for column in art["thumbs"]:
        xs, ys = zip(*[centre(image)[:2] for image in column])
        assert np.allclose(xs, xs[0]) and np.all(np.diff(ys) < 0)
    plt.close(art["fig"])


def test_edges_are_the_weights_colour_by_sign_width_by_size():
    """Each line joins unit i of a layer to unit j of the next: its colour is the sign of that
    W[j, i], its width grows with |W[j, i]|. Units are found from where their squares are."""
    session, art = drawn(State(layers=(3, 2), features=("x1", "x2", "x1x2")), epochs=5)
    centres = [[centre(image) for image in column] for column in art["thumbs"]]
    found = {}
    for k, ((xa, ya), (xb, yb)) in enumerate(art["edges"].get_segments()):
        for layer in range(len(centres) - 1):
            left = [i for i, (x, y, h) in enumerate(centres[layer])
                    if np.isclose(x + h, xa) and np.isclose(y, ya)]
            right = [j for j, (x, y, h) in enumerate(centres[layer + 1])
                     if np.isclose(x - h, xb) and np.isclose(y, yb)]
            if left and right:
                found[k] = session.net.dense[layer].params["W"][right[0], left[0]]
    assert sorted(found) == list(range(3 * 3 + 3 * 2 + 2 * 1))    # every line is one weight
    w = np.array([found[k] for k in range(len(found))])
    assert len(set(np.round(np.abs(w), 12))) == len(w)             # all different: a real test
    widths, colours = np.asarray(art["edges"].get_linewidths()), art["edges"].get_colors()
    order = np.argsort(np.abs(w))
    assert np.all(np.diff(widths[order]) > 0)                        # thicker for larger |w|
    assert np.all(reddish(colours[w > 0])) and np.all(bluish(colours[w < 0]))
    assert (w > 0).any() and (w < 0).any()


def test_each_hidden_square_shows_its_unit_from_minus_1_blue_to_1_red():
    session, art = drawn(State(layers=(4, 3)), epochs=3)
    _, hidden, _ = session.grid_outputs()
    for layer, column in enumerate(art["thumbs"][1:-1]):
        for unit, image in enumerate(column):
            picture = np.asarray(image.get_array())
            values = hidden[layer][unit][::2, ::2]                   # the square's coarser grid
            assert picture.shape[:2] == values.shape
            assert np.all(reddish(picture[values > 0.5])) and np.all(bluish(picture[values < -0.5]))
            assert np.all(whitish(picture[np.abs(values) < 0.05]))
            assert (values > 0.5).any() or (values < -0.5).any()


@pytest.mark.parametrize("state", [State(dataset="gaussians", classes=3, layers=(4,)),
                                   State(dataset="xor", layers=(4,), lr=0.3),
                                   State(layers=(), features=("x1sq", "x2sq"), lr=0.1)])
def test_each_output_square_shows_its_unit_red_where_likely_blue_where_not(state):
    session, art = drawn(state, epochs=20)
    out = session.grid_outputs()[2][:, ::2, ::2]
    assert len(art["thumbs"][-1]) == len(out)
    for image, p in zip(art["thumbs"][-1], out):
        picture = np.asarray(image.get_array())
        assert picture.shape[:2] == p.shape
        assert np.all(reddish(picture[p > 0.7])) and np.all(bluish(picture[p < 0.3]))
        assert (p > 0.7).any() and (p < 0.3).any()


def test_each_input_square_from_its_lowest_value_blue_to_its_highest_red():
    session, art = drawn(State(features=ALL_FEATURES))
    inputs = session.grid_outputs()[0][:, ::2, ::2]
    for name, image, values in zip(ALL_FEATURES, art["thumbs"][0], inputs):
        picture = np.asarray(image.get_array())
        assert bluish(picture[np.unravel_index(values.argmin(), values.shape)]), name
        assert reddish(picture[np.unravel_index(values.argmax(), values.shape)]), name
        middle = (values.min() + values.max()) / 2
        assert np.all(whitish(picture[np.abs(values - middle) < 0.02 * np.ptp(values)])), name


def test_the_heat_map_is_the_output_over_the_plane():
    session, art = drawn(State(noise=20), epochs=10)
    heat = np.asarray(art["heat"].get_array())
    out = session.grid_outputs()[2]
    np.testing.assert_array_equal(heat, pp.output_rgba(out, "classification"))
    assert art["heat"].origin == "lower" and tuple(art["heat"].get_extent()) == (-6, 6, -6, 6)
    t = np.linspace(-6, 6, heat.shape[0])
    for i in range(0, heat.shape[0], 7):                 # row i is x2 = t[i], column j is x1 = t[j]
        for j in range(0, heat.shape[1], 7):
            p = session.predict(np.array([[t[j], t[i]]]))[0, 0]
            if p > 0.7:
                assert reddish(heat[i, j])
            elif p < 0.3:
                assert bluish(heat[i, j])


def closest_t(colour):
    """The t with CMAP(t) nearest to ``colour``, and how near."""
    t = np.linspace(0, 1, 2001)
    d = np.abs(CMAP(t)[:, :3] - np.asarray(colour)[:3]).sum(axis=1)
    return t[d.argmin()], d.min()


def test_two_classes_white_at_one_half_red_at_one_blue_at_zero():
    rgba = pp.output_rgba(np.array([[[0.0, 0.25, 0.5, 0.75, 1.0]]]), "classification")
    assert rgba.shape == (1, 5, 4)
    np.testing.assert_allclose(rgba[0, 2], CMAP(0.5), atol=1e-12)        # the map's white middle
    assert whitish(rgba[0, 2])
    ts = [closest_t(c) for c in rgba[0]]
    assert all(d < 1e-2 for _, d in ts)                                # colours of the map
    assert [t for t, _ in ts] == sorted(t for t, _ in ts)              # in order of p
    assert ts[-1][0] > 0.75 and reddish(rgba[0, -1])                  # p = 1: clearly red
    assert ts[0][0] < 0.25 and bluish(rgba[0, 0])                     # p = 0: clearly blue


def test_regression_blue_at_minus_1_white_at_0_red_at_1():
    rgba = pp.output_rgba(np.array([[[-1.0, 0.0, 1.0]]]), "regression")
    assert bluish(rgba[0, 0]) and whitish(rgba[0, 1]) and reddish(rgba[0, 2])
    np.testing.assert_allclose(rgba[0, 1], CMAP(0.5), atol=1e-12)


@pytest.mark.parametrize("problem, values", [
    ("classification", np.linspace(0, 1, 101)), ("regression", np.linspace(-1.5, 1.5, 101))])
def test_discretize_gives_two_colours_only(problem, values):
    grid = np.tile(values, (3, 1))[None]                                 # (1, 3, 101)
    rgba = pp.output_rgba(grid, problem, discretize=True)
    colours = np.unique(rgba.reshape(-1, 4), axis=0)
    assert len(colours) == 2
    middle = 0.5 if problem == "classification" else 0.0
    assert np.all(reddish(rgba[0, values > middle])) and np.all(bluish(rgba[0, values < middle]))
    assert len(np.unique(pp.output_rgba(grid, problem).reshape(-1, 4), axis=0)) > 50


def test_many_classes_colour_by_the_likely_class():
    k = 4
    out = np.full((k, 1, k), 0.02)
    for c in range(k):
        out[c, 0, c] = 1 - 0.02 * (k - 1)                # column c: class c is nearly certain
    rgba = pp.output_rgba(out, "classification")
    def tint(colour):             # a paler colour lies between white and the colour: 1 - rgb
        away = 1 - np.asarray(colour)[:3]    # points the same way
        return away / np.linalg.norm(away)
    for c in range(k):
        likeness = [tint(rgba[0, c]) @ tint(to_rgb(POINT_COLORS[m])) for m in range(k)]
        assert np.argmax(likeness) == c and max(likeness) > 0.97
    sharp = pp.output_rgba(out, "classification", discretize=True)
    assert len(np.unique(sharp.reshape(-1, 4), axis=0)) == k
    uncertain = pp.output_rgba(np.full((k, 2, 2), 1 / k), "classification")
    assert np.all(uncertain[..., :3] > rgba[0, 0, :3].min())          # paler than a sure class


@pytest.mark.parametrize("value", [1e300, -1e300, 1e6])
def test_huge_weights_still_draw_without_warnings(value):
    session = Session(State(layers=(8, 8)))
    for p in session.net.parameters():
        p[...] = value
    with warnings.catch_warnings():
        every_warning_an_error()
        art = pp.draw(session)
        art["fig"].canvas.draw()


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_nan_weights_draw_without_warnings(value):
    session = Session(State())
    for p in session.net.parameters():
        p[...] = value
    with warnings.catch_warnings():
        every_warning_an_error()
        pp.draw(session)["fig"].canvas.draw()


def test_nan_weights_in_a_wide_network_do_not_crash():
    session = Session(State(layers=(8, 8)))
    for p in session.net.parameters():
        p[...] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pp.draw(session)["fig"].canvas.draw()


def test_a_new_shape_leaves_no_stale_artists():
    session, art = drawn(State(layers=(4, 2)))
    axes = [art[name] for name in ("net_ax", "out_ax", "pen_ax", "loss_ax", "grad_ax")]
    before = [len(ax.get_children()) for ax in axes]
    for layers in [(5, 5, 5, 5, 5), (1,), (), (4, 2)]:
        session.configure(State(layers=layers))
        pp.update(art, session)
        assert len(unit_squares(art)) == 2 + sum(layers) + 1
        assert len(art["grad_bars"]) == len(layers) + 1
        bars = [c for c in art["grad_ax"].get_children() if type(c).__name__ == "Rectangle"
                and c is not art["grad_ax"].patch]
        assert len(bars) == len(layers) + 1
    assert [len(ax.get_children()) for ax in axes] == before
    session.configure(State(layers=(4, 2), features=ALL_FEATURES))
    pp.update(art, session)
    session.configure(State(layers=(4, 2)))
    pp.update(art, session)
    assert [len(ax.get_children()) for ax in axes] == before
    assert len(art["fig"].axes) == 5
    art["fig"].canvas.draw()


def test_points_training_test_and_added():
    state = State(dataset="xor", points=((1.0, 2.0, 0), (-3.0, 0.5, 1)))
    session, art = drawn(state)
    np.testing.assert_array_equal(art["train"].get_offsets(), session.X_train)
    assert not art["test"].get_visible()
    np.testing.assert_array_equal(art["added"].get_offsets(), [[1.0, 2.0], [-3.0, 0.5]])
    faces = art["train"].get_facecolors()
    blue, red = to_rgb(POINT_COLORS[0]), to_rgb(POINT_COLORS[1])
    for face, label in zip(faces, session.y_train):
        np.testing.assert_allclose(face[:3], red if label == 1 else blue)
    assert np.allclose(art["train"].get_edgecolors()[0][:3], 1.0)          # white rim
    np.testing.assert_allclose(art["added"].get_facecolors()[:, :3], [blue, red])
    session.configure(state.replace(show_test=True))
    pp.update(art, session)
    assert art["test"].get_visible()
    np.testing.assert_array_equal(art["test"].get_offsets(), session.X_test)
    assert np.allclose(art["test"].get_edgecolors()[0][:3], 0.0)           # black rim
    session.configure(State(dataset="xor"))
    pp.update(art, session)
    assert not art["added"].get_visible()


def test_regression_points_are_coloured_by_their_value():
    session, art = drawn(State(dataset="plane", problem="regression"))
    faces, y = art["train"].get_facecolors(), session.y_train
    assert np.all(reddish(faces[y > 0.5])) and np.all(bluish(faces[y < -0.5]))
    assert np.all(whitish(faces[np.abs(y) < 0.02]))


def test_the_loss_curves_and_the_gradient_bars():
    session, art = drawn(State(layers=(4, 4)), epochs=6)
    x, y = art["train_curve"].get_data()
    np.testing.assert_array_equal(x, np.arange(7))
    np.testing.assert_allclose(y, session.train_loss)
    np.testing.assert_allclose(art["test_curve"].get_data()[1], session.test_loss)
    assert art["loss_ax"].get_ylim()[1] >= max(session.train_loss + session.test_loss)
    tops = [bar.get_y() + bar.get_height() for bar in art["grad_bars"]]
    np.testing.assert_allclose(tops, session.grad_norms, rtol=1e-9)


def test_the_last_hidden_layer_with_two_units_and_the_output_line():
    session, art = drawn(State(layers=(4, 2)), epochs=5)
    A, _ = session.penultimate()
    np.testing.assert_allclose(art["pen_points"].get_offsets(), A)
    xs, ys = art["pen_line"].get_data()
    w, b = session.net.dense[-1].params["W"][0], session.net.dense[-1].params["b"][0]
    assert len(xs) == 2
    np.testing.assert_allclose(w[0] * np.asarray(xs) + w[1] * np.asarray(ys) + b, 0, atol=1e-9)
    assert "layer 2" in art["pen_note"].get_text()


def test_the_last_hidden_layer_with_more_units_on_its_principal_components():
    session, art = drawn(State(layers=(6,)), epochs=5)
    A, _ = session.penultimate()
    centred = A - A.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)             # a second route to the PCA
    top = vectors[:, ::-1][:, :2]
    expected = centred @ top
    shown = np.asarray(art["pen_points"].get_offsets())
    for k in range(2):                                                 # up to the sign
        sign = np.sign(np.dot(shown[:, k], expected[:, k]))
        np.testing.assert_allclose(shown[:, k], sign * expected[:, k], atol=1e-9)
    share = values[::-1][:2].sum() / values.sum()
    assert f"{share:.0%}" in art["pen_note"].get_text()
    assert len(art["pen_line"].get_data()[0]) == 0


def test_the_last_hidden_layer_view_of_one_unit_and_of_no_hidden_layer():
    session, art = drawn(State(layers=(1,)))
    A, _ = session.penultimate()
    np.testing.assert_allclose(art["pen_points"].get_offsets(), np.column_stack([A[:, 0], 0 * A[:, 0]]))
    session, art = drawn(State(layers=()))
    np.testing.assert_allclose(art["pen_points"].get_offsets(), session.X_train)
    assert "inputs" in art["pen_note"].get_text()


def test_a_diverged_session_says_so_on_the_output():
    session, art = drawn(State(dataset="plane", problem="regression", activation="linear",
                               lr=10.0), epochs=3)
    assert session.message
    assert art["message"].get_visible() and "learning rate" in art["message"].get_text()
    assert art["message"].axes is art["out_ax"]
    assert reddish(to_rgb(art["message"].get_color())) or art["message"].get_color() == "darkred"
    session.reset()
    pp.update(art, session)
    assert not art["message"].get_visible()
