"""Tests of nbtools.explore_networks: the sliders of notebooks 02 and 05, moved by calling them."""
import numpy as np
import pytest

from nbtools import data, explore_networks, nn, training
from by_hand import probabilities_221, sigmoid


# ------------------------------------------------------------------ weight sliders

def test_weight_sliders_set_the_nine_weights_of_a_221_network():
    X, y = data.v_shape(n=60, seed=0)
    net = nn.MLP([2, 2, 1], hidden="sigmoid", seed=0)
    original = net.get_weights()
    live = explore_networks.weight_sliders(net, X, y)
    labels = [c.description for c in live.controls.values()]
    assert labels == ["W1[0,0]", "W1[0,1]", "b1[0]", "W1[1,0]", "W1[1,1]", "b1[1]",
                      "W2[0,0]", "W2[0,1]", "b2[0]"]
    assert live.controls["W1_1_0"].value == pytest.approx(round(original[0][1, 0], 1))
    hand = {"W1_0_0": -3.0, "W1_0_1": 3.0, "b1_0": 3.0, "W1_1_0": 3.0, "W1_1_1": 3.0, "b1_1": 3.0,
            "W2_0_0": 6.0, "W2_0_1": 6.0, "b2_0": -9.0}
    before = live.image.value
    live.refresh(**hand)
    W1 = np.array([[-3.0, 3.0], [3.0, 3.0]])
    weights = [W1, np.array([3.0, 3.0]), np.array([[6.0, 6.0]]), np.array([-9.0])]
    for got, want in zip(live.net.get_weights(), weights):
        assert np.allclose(got, want)
    boundary = live.artists["boundary"]
    xx, _, points = boundary["grid"]
    assert np.allclose(boundary["image"].get_array(), probabilities_221(weights, points).reshape(xx.shape))
    line = np.column_stack(live.artists["lines"]["lines"][0].get_data())
    assert np.allclose(line @ W1[0] + 3.0, 0)
    assert np.allclose(live.artists["hidden"]["train"].get_offsets(), sigmoid(X @ W1.T + 3.0))
    accuracy = np.mean((probabilities_221(weights, X) >= 0.5) == y)
    assert boundary["ax"].get_title().endswith(f"accuracy {accuracy:.1%}")
    assert live.image.value != before
    for got, want in zip(net.get_weights(), original):     # the network passed in is untouched
        assert np.array_equal(got, want)


def test_weight_sliders_refuse_a_big_network():
    X, y = data.v_shape(n=20, seed=0)
    with pytest.raises(ValueError, match="up to 20"):
        explore_networks.weight_sliders(nn.MLP([2, 8, 1]), X, y)


# ------------------------------------------------------------------ epoch scrubber

@pytest.fixture(scope="module")
def run():
    X, y = data.v_shape(n=80, seed=0)
    net = nn.MLP([2, 2, 1], hidden="sigmoid", seed=1)
    history = training.fit(net, X, y, lr=0.1, epochs=60, batch_size=None, snapshot_every=20,
                           progress=False)
    return net, history, X, y


def test_epoch_scrubber_shows_snapshot_k(run):
    net, history, X, y = run
    live = explore_networks.epoch_scrubber(net, history, X, y)
    assert [s for s, _ in history.snapshots] == [0, 20, 40, 60]
    assert live.controls["snapshot"].max == 3 and live.play.max == 3
    boundary, curves = live.artists["boundary"], live.artists["curves"]
    xx, _, points = boundary["grid"]
    for k in (2, 0, 3):
        live.refresh(snapshot=k)
        weights = history.snapshots[k][1]
        for got, want in zip(live.net.get_weights(), weights):
            assert np.array_equal(got, want)
        assert np.allclose(boundary["image"].get_array(), probabilities_221(weights, points).reshape(xx.shape))
        W1, b1 = weights[:2]
        assert np.allclose(live.artists["hidden"]["train"].get_offsets(), sigmoid(X @ W1.T + b1))
        assert list(curves["marker"].get_xdata()) == [20 * k, 20 * k]     # full batch: step = epoch
        assert boundary["ax"].get_title().startswith(f"after {20 * k} steps")
    assert net.get_weights()[0] is not live.net.get_weights()[0]


def test_epoch_scrubber_needs_snapshots(run):
    net, _, X, y = run
    history = training.fit(nn.MLP([2, 2, 1]), X, y, epochs=2, batch_size=None, progress=False)
    with pytest.raises(ValueError, match="snapshot_every"):
        explore_networks.epoch_scrubber(net, history, X, y)


# ------------------------------------------------------------------ training playground

def test_training_playground_retrains_on_every_change():
    live = explore_networks.training_playground(data="moons", hidden="4-2", activation="tanh", epochs=50)
    assert set(live.controls) == {"data", "noise", "hidden", "activation", "lr", "epochs", "seed"}
    first_net = live.state["net"]
    assert first_net.sizes == [2, 4, 2, 1]
    assert live.artists["space"]["layer"] == 2
    space_ax = live.artists["space"]["ax"]      # the penultimate space says where its points are
    assert len(space_ax.get_xticks()) >= 3 and len(space_ax.get_yticks()) >= 3
    assert space_ax.get_xlabel() and space_ax.get_ylabel()
    image = np.array(live.artists["boundary"]["image"].get_array())

    live.refresh(seed=3)
    expected_net = explore_networks.train_for_playground("moons", 0.1, "4-2", "tanh", 0.03, 50, 3)[0]
    for got, want in zip(live.state["net"].get_weights(), expected_net.get_weights()):
        assert np.allclose(got, want)
    assert not np.allclose(live.artists["boundary"]["image"].get_array(), image)

    live.refresh(data="circles", hidden="8", epochs=20)
    X, y = data.circles(n=200, noise=0.1, seed=0)
    assert live.state["net"].sizes == [2, 8, 1] and live.state["history"].epochs_run == 20
    assert np.allclose(live.artists["boundary"]["train"].get_offsets(), X)
    assert live.artists["space"]["layer"] == 1
    assert live.artists["space"]["note"].get_text().startswith("PCA of 8 units")


def test_training_playground_reports_divergence_in_the_title():
    live = explore_networks.training_playground(data="linear", hidden="2", activation="relu", epochs=20)
    live.refresh(lr=1e9)
    assert live.artists["boundary"]["ax"].get_title().startswith("diverged")
