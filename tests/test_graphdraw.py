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


def _labels_on_other_edges(artists, net, ax):
    """The (label, edge) pairs where an edge passes through the drawn box of another edge's label."""
    import numpy as np

    from nbtools.graphdraw import RADIUS, _network_layout

    ax.figure.canvas.draw()
    pos = _network_layout(net)
    hits = []
    for label_edge, text in artists["edge_labels"].items():
        box = text.get_bbox_patch().get_window_extent().padded(8)   # and a margin
        for (i, j) in net.weights:
            if (i, j) == label_edge:
                continue
            p0, p1 = np.array(pos[i]), np.array(pos[j])
            cut = RADIUS / np.linalg.norm(p1 - p0)         # the edge runs from circle to circle
            t = np.linspace(cut, 1 - cut, 400)[:, None]
            pts = ax.transData.transform((1 - t) * p0 + t * p1)
            if box.count_contains(pts):
                hits.append((label_edge, (i, j)))
    return hits


def test_edge_labels_sit_clear_of_the_other_edges():
    import matplotlib.pyplot as plt

    from nbtools import explore_graphs

    net = running_example()
    net.forward(1.0)
    artists = draw_network(net, node_labels="values")
    try:
        assert _labels_on_other_edges(artists, net, artists["legend"].axes) == []
    finally:
        plt.close(artists["legend"].axes.figure)
    live = explore_graphs.backprop_explorer(x=1.0, y=0.0)   # longer numbers: the gradients
    try:
        graph = live.artists["graph"]
        assert _labels_on_other_edges(graph, graph_net := live.artists["net"],
                                      graph["legend"].axes) == [], graph_net
    finally:
        plt.close(live.fig)


def test_draw_graph_shows_a_value_used_twice_as_two_arrows():
    import matplotlib.pyplot as plt

    from nbtools.autograd import Value
    from nbtools.graphdraw import draw_graph

    a = Value(3.0, label="a")
    b = a + a
    c = b * b
    c.backward()
    artists = draw_graph(c)
    try:
        assert len(artists["repeats"]) == 2                 # a twice into +, b twice into *
        for first, second in zip(artists["edges"], artists["repeats"]):
            assert first.get_path().vertices.shape[0] > 2   # bowed, not straight
        d = Value(1.0) * Value(2.0)
        assert draw_graph(d)["repeats"] == []               # two different inputs: one arrow each
    finally:
        plt.close("all")
