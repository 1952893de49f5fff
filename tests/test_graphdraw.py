"""Tests of nbtools.graphdraw's drawing of a GraphNetwork: labels, colours, updates in place.
(The drawing of a Value's computation graph is tested in test_autograd.py.)

Expected numbers are worked out here by hand (with math.exp), never read back from the code under test.
"""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nbtools.graphdraw import draw_network, update_network  # noqa: E402
from nbtools.graphnet import non_layered_example, running_example  # noqa: E402
from by_hand import running_example_forward  # noqa: E402


def test_draw_network_labels_and_update_in_place():
    net = running_example()
    ax = Figure().subplots()
    artists = draw_network(net, ax=ax)
    assert len(artists["edges"]) == 12 and len(artists["neurons"]) == 9
    assert artists["edge_labels"][(1, 3)].get_text() == "2"
    assert artists["edge_labels"][(5, 7)].get_text() == "-0.5"
    assert artists["ids"][9].get_text() == "9"
    assert artists["node_labels"][3].get_text() == ""
    colours = {artists["neurons"][j].get_facecolor() for j in (2, 5, 8)}
    assert len(colours) == 1                               # all bias neurons look alike
    assert artists["neurons"][1].get_facecolor() != artists["neurons"][9].get_facecolor()

    net.forward(1.0)
    net.set_weight(1, 3, 0.25)
    same = update_network(artists, net, node_labels="values")
    assert same is artists
    assert artists["edge_labels"][(1, 3)].get_text() == "0.25"
    assert artists["node_labels"][3].get_text() == "a=0.731"   # sigma(1) = 0.7310...
    assert artists["node_labels"][2].get_text() == "a=1"

    net.set_weight(1, 3, 2.0)
    net.forward(1.0)
    net.backward(target=0.0)
    update_network(artists, net, labels="grads", node_labels="deltas")
    h = running_example_forward(1.0)
    d9 = h["a9"] * h["a9"] * (1 - h["a9"])                 # (a9 - 0) sigma'(z9)
    assert artists["edge_labels"][(8, 9)].get_text() == f"{d9:.3g}"
    assert artists["node_labels"][9].get_text() == f"δ={d9:.3g}"
    assert artists["node_labels"][1].get_text() == ""       # the input neuron has no delta
    update_network(artists, net, labels=None, node_labels=None)
    assert artists["edge_labels"][(1, 3)].get_text() == ""
    assert artists["ids"][9].get_text() == ""


def test_draw_network_refuses_numbers_it_does_not_have_and_stale_artists():
    net = running_example()
    ax = Figure().subplots()
    with pytest.raises(ValueError, match="backward"):
        draw_network(net, ax=ax, labels="grads")
    with pytest.raises(ValueError, match="forward"):
        draw_network(net, ax=ax, node_labels="values")
    with pytest.raises(ValueError, match="labels"):
        draw_network(net, ax=ax, labels="biases")
    artists = draw_network(net, ax=ax)
    with pytest.raises(ValueError, match="draw the network again"):
        update_network(artists, non_layered_example())
    with pytest.raises(TypeError, match="GraphNetwork"):
        draw_network("net")


def test_draw_network_without_ax_and_skip_edge_arcs_over_the_layers():
    import matplotlib.pyplot as plt

    net = non_layered_example()
    net.forward(1.0)
    artists = draw_network(net, node_labels="values")
    try:
        tops = [c.center[1] + c.radius for c in artists["neurons"].values()]
        label_y = artists["edge_labels"][(1, 9)].get_position()[1]
        assert label_y > max(tops)                         # the skip edge goes over, not through
        assert artists["edge_labels"][(1, 9)].get_text() == "1"
    finally:
        plt.close(artists["legend"].axes.figure)
