"""Tests of nbtools.explore_expressivity: the sliders of notebook 10, moved by calling them."""
import numpy as np
import pytest

from nbtools import explore_expressivity as ee, expressivity as ex


@pytest.fixture(scope="module")
def widths():
    return ee.width_explorer(width=4, epochs=200)


def test_width_explorer_draws_the_trained_network_and_one_line_per_unit(widths):
    fig = widths.fig
    before = widths.image.value
    widths.set(width=8)
    ax = fig.axes[0]
    network = [line for line in ax.lines if line.get_label() == "network"][0]
    x = network.get_xdata()
    net = widths.nets[8]
    assert net.sizes == [1, 8, 1]
    assert np.allclose(network.get_ydata(), net.forward(x[:, None])[:, 0])
    parts = [line for line in ax.lines if line.get_label().startswith("_") and line.get_visible()]
    assert len(parts) == 8                                    # one thin line per unit
    bias = net.dense[1].params["b"][0]
    assert np.allclose(sum(p.get_ydata() for p in parts) + bias, network.get_ydata())
    assert "width 8" in ax.get_title() and widths.image.value != before


def test_width_explorer_refuses_a_width_it_did_not_train(widths):
    with pytest.raises(ValueError, match="width"):
        widths.set(width=5)
    with pytest.raises(ValueError, match="one of"):
        ee.width_explorer(width=5)


def test_bump_explorer_shows_the_hand_built_network_and_its_bumps():
    f = ex.sine(2)
    live = ee.bump_explorer(f, n_bumps=5)
    live.set(n_bumps=12, kind="relu", sharpness=10.0)
    ax = live.fig.axes[0]
    network = [line for line in ax.lines if line.get_label().startswith("network")][0]
    x = network.get_xdata()
    net = ex.bump_network(f, 12, kind="relu", sharpness=10.0)
    assert np.allclose(network.get_ydata(), net.forward(x[:, None])[:, 0])
    bumps = [line for line in ax.lines if line.get_label().startswith("_") and line.get_visible()]
    assert len(bumps) == 12
    assert np.allclose(sum(b.get_ydata() for b in bumps), network.get_ydata())
    assert "48 relu units" in ax.get_title()


def test_sawtooth_explorer_counts_2_to_the_k_pieces_for_the_deep_network():
    live = ee.sawtooth_explorer(k=2, max_k=4)
    assert live.pieces["deep"] == [2, 4, 8, 16]
    assert all(p <= 2 * k + 1 for k, p in zip(range(1, 5), live.pieces["shallow"]))
    live.set(k=4)
    ax = live.fig.axes[0]
    deep = ax.lines[0]
    x = deep.get_xdata()
    assert np.allclose(deep.get_ydata(), ex.tent_network(4).forward(x[:, None])[:, 0])
    assert "k = 4: 25 parameters" in ax.get_title()
    assert live.shallow[4].n_params() == 25


def test_the_shallow_sawtooth_network_keeps_the_best_seed():
    best = ee.train_shallow_like(1, seeds=(0, 1, 2), epochs=200)
    x = np.linspace(0, 1, 129)[:, None]
    errors = [np.mean((ee.train_shallow_like(1, seeds=(s,), epochs=200).forward(x)
                       - ex.tent_network(1).forward(x)) ** 2) for s in (0, 1, 2)]
    assert np.mean((best.forward(x) - ex.tent_network(1).forward(x)) ** 2) == pytest.approx(min(errors))


@pytest.mark.parametrize("call, error", [
    (lambda: ee.bump_explorer(n_bumps=0), ValueError),
    (lambda: ee.bump_explorer(kind="tanh"), ValueError),
    (lambda: ee.bump_explorer(sharpness="sharp"), TypeError),
    (lambda: ee.sawtooth_explorer(k=5, max_k=4), ValueError),
    (lambda: ee.train_shallow_like(0), ValueError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call()
