"""Tests of nbtools.explore_digits: the scrubber loads each snapshot's weights and redraws."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import data, explore_digits, layers, nn, training


@pytest.fixture(scope="module")
def run():
    X, y = data.digits()
    X, y = X[:300], y[:300]
    net = nn.Sequential([layers.Dense(64, 16, seed=0), layers.ReLU(), layers.Dense(16, 2, seed=1),
                         layers.Dense(2, 10, seed=2)], output="softmax")
    history = training.fit(net, X, y, epochs=4, batch_size=100, snapshot_every=3, progress=False)
    return net, history, X, y


def test_each_snapshot_shows_its_own_weights(run):
    net, history, X, y = run
    live = explore_digits.bottleneck_scrubber(net, history, X, y)
    assert live.controls["snapshot"].max == len(history.snapshots) - 1 == 4
    for i in (0, 2, 4):
        live.set(snapshot=i)
        copy = nn.Sequential([layers.Dense(64, 16), layers.ReLU(), layers.Dense(16, 2),
                              layers.Dense(2, 10)], output="softmax")
        copy.set_weights(history.snapshots[i][1])
        copy.forward(X)
        np.testing.assert_allclose(live.artists["regions"]["points"].get_offsets(), copy.a[-2])
        right = np.mean(copy.predict(X) == y)
        assert f"after epoch {i}: {right:.0%}" in live.fig.axes[0].get_title()
        marker = live.artists["curves"]["marker"].get_xdata()
        assert marker[0] == pytest.approx(i)
        assert live.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    # the network passed in is not changed: the scrubber works on a copy
    np.testing.assert_array_equal(net.parameters()[0], history.snapshots[-1][1][0])
    plt.close("all")


def test_a_history_without_snapshots_is_refused(run):
    net, _, X, y = run
    history = training.fit(net, X[:50], y[:50], epochs=1, progress=False)
    with pytest.raises(ValueError, match="snapshot_every"):
        explore_digits.bottleneck_scrubber(net, history, X, y)


def test_a_network_without_a_bottleneck_is_refused(run):
    _, history, X, y = run
    with pytest.raises(ValueError, match="2 units"):
        explore_digits.bottleneck_scrubber(nn.MLP([64, 8, 10], output="softmax"), history, X, y)
