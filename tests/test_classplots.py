"""Tests of nbtools.classplots: the confusion heat map shows the counts it is given, and the class
regions are the output layer's argmax, computed here by hand."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import classplots, layers, nn


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bottleneck(seed=0, n_in=6, k=4):
    return nn.Sequential([layers.Dense(n_in, 5, seed=seed), layers.ReLU(),
                          layers.Dense(5, 2, seed=seed + 1), layers.Dense(2, k, seed=seed + 2)],
                         output="softmax")


def test_confusion_heatmap_writes_every_count_in_its_cell():
    C = np.array([[5, 1, 0], [2, 7, 0], [0, 3, 9]])
    art = classplots.confusion_heatmap(C)
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in art["counts"]}
    assert texts == {(i, j): str(C[i, j]) for i in range(3) for j in range(3)}
    shown = art["image"].get_array()
    assert np.ma.is_masked(shown[0, 0]) and np.ma.is_masked(shown[0, 2])   # diagonal and zeros: no colour
    assert shown[2, 1] == 3
    assert art["ax"].get_xlabel() == "predicted class" and art["ax"].get_ylabel() == "true class"


def test_class_regions_places_points_at_the_bottleneck_and_colours_the_argmax():
    net = bottleneck()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 6)), rng.integers(0, 4, 40)
    art = classplots.class_regions(net, X, y, resolution=30)
    # the bottleneck by hand: relu(X W1^T + b1) W2^T + b2
    W1, b1, W2, b2, W3, b3 = net.parameters()
    H = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2
    np.testing.assert_allclose(art["points"].get_offsets(), H)
    m = art["limits"][1]
    assert np.mean(np.all(np.abs(H) <= m, axis=1)) >= 0.95          # the view holds the points
    # the background: the class with the largest z = W3 a + b3 at each grid point, row by row
    image = art["image"].get_array()
    ticks = np.linspace(-m, m, 30)
    for r, c in [(0, 0), (5, 20), (29, 29), (14, 3)]:
        a = np.array([ticks[c], ticks[r]])
        winner = np.argmax(W3 @ a + b3)
        pale = 0.35 * np.array(plt.matplotlib.colors.to_rgb(classplots.CLASS_COLORS[winner])) + 0.65
        np.testing.assert_allclose(image[r, c], pale)


def test_update_class_regions_follows_new_weights():
    net = bottleneck()
    X, y = np.random.default_rng(1).normal(size=(20, 6)), np.arange(20) % 4
    art = classplots.class_regions(net, X, y)
    before = art["points"].get_offsets().copy()
    for p in net.parameters():
        p *= 3.0
    classplots.update_class_regions(art, net)
    net.forward(X)
    np.testing.assert_allclose(art["points"].get_offsets(), net.a[-2])
    assert not np.allclose(before, net.a[-2])


def test_round_limits_are_round_and_cover():
    for m, expected in [(0.7, 0.8), (1.0, 1.0), (43.0, 50.0), (51.0, 60.0), (0.012, 0.015)]:
        assert classplots._round_up(m) == pytest.approx(expected)


@pytest.mark.parametrize("call, error, match", [
    (lambda: classplots.confusion_heatmap(np.ones((2, 3), dtype=int)), ValueError, "square matrix"),
    (lambda: classplots.confusion_heatmap(np.ones((2, 2))), ValueError, "counts"),
    (lambda: classplots.confusion_heatmap(np.eye(2, dtype=int), labels=["a"]), ValueError, "name the 2"),
    (lambda: classplots.class_regions(nn.MLP([6, 3, 4], output="softmax"), np.zeros((2, 6)), [0, 1]),
     ValueError, "2 units"),
    (lambda: classplots.class_regions(bottleneck(), np.zeros((2, 6)), [0, 7]), ValueError, r"0\.\.3"),
    (lambda: classplots.class_regions("net", np.zeros((2, 6)), [0, 1]), TypeError, "nn.MLP"),
])
def test_bad_input_raises_with_a_message(call, error, match):
    with pytest.raises(error, match=match):
        call()
