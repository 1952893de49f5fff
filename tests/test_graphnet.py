"""Tests of nbtools.graphnet: the neuron-and-edge network of the introduction.

Expected numbers are worked out here by hand (with math.exp) or by central finite differences,
never read back from the code under test.
"""
import math

import numpy as np
import pytest

from nbtools.graphnet import GraphNetwork, non_layered_example, running_example
from by_hand import running_example_forward, sig


def central_difference(net, src, dst, cost, h=1e-5):
    """dC/dw_{src,dst} by (C(w + h) - C(w - h)) / 2h, restoring the weight afterwards."""
    w = net.weight(src, dst)
    net.set_weight(src, dst, w + h)
    up = cost()
    net.set_weight(src, dst, w - h)
    down = cost()
    net.set_weight(src, dst, w)
    return (up - down) / (2 * h)


def rel_err(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def mixed_net():
    """Two inputs, two outputs, skip edges and every non-sigmoid activation."""
    neurons = {1: "input", 2: "input", 3: "bias", 4: "tanh", 5: "relu", 6: "linear", 7: "logistic"}
    edges = [(1, 4, 0.5), (2, 4, -1.0), (3, 4, 0.25), (1, 5, 1.0), (2, 5, 0.5), (3, 5, 0.5),
             (4, 6, 2.0), (5, 6, -1.0), (3, 6, 0.5), (4, 7, -1.5), (5, 7, 1.0), (1, 7, 0.5)]
    return GraphNetwork(neurons, edges)


# ---- forward ----------------------------------------------------------------------------------
@pytest.mark.parametrize("x", [1.0, -0.7, 2.5])
def test_running_example_forward_matches_hand_arithmetic(x):
    net = running_example()
    out = net.forward([x])
    h = running_example_forward(x)
    assert out.shape == (1,)
    assert out[0] == pytest.approx(h["a9"], rel=1e-12)
    for j in (3, 4, 6, 7, 9):
        assert net.z[j] == pytest.approx(h[f"z{j}"], rel=1e-12, abs=1e-15)
        assert net.a[j] == pytest.approx(h[f"a{j}"], rel=1e-12)
    assert net.a[1] == x                                  # the input neuron applies no function
    assert net.a[2] == net.a[5] == net.a[8] == 1.0        # bias neurons output 1


def test_forward_with_x_equal_one_gives_the_documented_inputs():
    net = running_example()
    net.forward(1.0)                                      # a plain number is fine for one input
    assert net.z[3] == 1.0 and net.z[4] == -0.5           # 2*1 - 1 and -1*1 + 0.5
    assert net.a[3] == pytest.approx(1 / (1 + math.exp(-1)))


def test_builder_and_constructor_build_the_same_network():
    net = GraphNetwork()
    net.add_input(1).add_bias(2).add_neuron(3).add_neuron(4).add_bias(5)
    net.add_neuron(6, "sigmoid").add_neuron(7).add_bias(8).add_neuron(9)
    for src, dst, w in [(1, 3, 2.0), (2, 3, -1.0), (1, 4, -1.0), (2, 4, 0.5), (3, 6, 1.0),
                        (4, 6, -2.0), (5, 6, 0.5), (4, 7, 1.0), (5, 7, -0.5), (6, 9, 2.0),
                        (7, 9, -1.0), (8, 9, 0.5)]:
        net.add_edge(src, dst, w)
    assert net.weights == running_example().weights
    assert net.forward(0.3)[0] == pytest.approx(running_example_forward(0.3)["a9"], rel=1e-12)


def test_weights_are_stored_with_the_receiving_neuron():
    net = running_example()
    assert net.w[6] == {3: 1.0, 4: -2.0, 5: 0.5}          # the three edges into neuron 6
    assert net.weight(4, 7) == 1.0
    assert [net.kind(j) for j in range(1, 10)] == [
        "input", "bias", "hidden", "hidden", "bias", "hidden", "hidden", "bias", "output"]
    assert net.inputs == [1] and net.outputs == [9]


def test_loss_is_half_squared_error():
    net = running_example()
    net.forward(1.0)
    assert net.loss(0.25) == pytest.approx(0.5 * (running_example_forward(1.0)["a9"] - 0.25) ** 2, rel=1e-12)


# ---- backward ---------------------------------------------------------------------------------
@pytest.mark.parametrize("x, y", [(1.0, 0.0), (-0.7, 1.0), (2.5, 0.3)])
def test_every_edge_gradient_matches_finite_differences(x, y):
    net = running_example()
    net.forward(x)
    grads = net.backward(target=y)
    assert set(grads) == set(net.weights)

    def cost():
        return 0.5 * (net.forward(x)[0] - y) ** 2

    for (src, dst), g in grads.items():
        assert rel_err(g, central_difference(net, src, dst, cost)) < 1e-7, (src, dst)


def test_deltas_follow_the_three_steps_by_hand():
    x, y = 1.0, 0.0
    h = running_example_forward(x)
    net = running_example()
    net.forward(x)
    net.backward(target=y)
    d9 = (h["a9"] - y) * h["a9"] * (1 - h["a9"])          # step 1: sigma'(z9) dC/da9
    d6 = h["a6"] * (1 - h["a6"]) * 2 * d9                 # step 2: sigma'(z6) w_69 d9
    d7 = h["a7"] * (1 - h["a7"]) * (-1) * d9              #         sigma'(z7) w_79 d9
    via_6 = h["a4"] * (1 - h["a4"]) * (-2) * d6           # neuron 4 reaches C through 6 ...
    via_7 = h["a4"] * (1 - h["a4"]) * 1 * d7              # ... and through 7
    assert net.delta[9] == pytest.approx(d9, rel=1e-12)
    assert net.delta[6] == pytest.approx(d6, rel=1e-12)
    assert net.delta[7] == pytest.approx(d7, rel=1e-12)
    assert via_6 != 0 and via_7 != 0
    assert net.delta[4] == pytest.approx(via_6 + via_7, rel=1e-12)   # both paths, added
    assert net.edge_grad[(1, 4)] == pytest.approx((via_6 + via_7) * x, rel=1e-12)  # step 3
    assert net.edge_grad[(8, 9)] == pytest.approx(d9 * 1, rel=1e-12)
    assert set(net.delta) == {3, 4, 6, 7, 9}              # inputs and biases have no delta


def test_backward_from_grad_out_equals_backward_from_target():
    net = running_example()
    a9 = net.forward(0.4)[0]
    from_target = dict(net.backward(target=0.9))
    from_grad = net.backward(grad_out=[a9 - 0.9])          # dC/da9 for the squared loss
    assert from_grad == pytest.approx(from_target, rel=1e-12)
    doubled = net.backward(grad_out=2 * (a9 - 0.9))        # backprop is linear in dC/da
    for edge in doubled:
        assert doubled[edge] == pytest.approx(2 * from_target[edge], rel=1e-12)


def test_two_outputs_skip_edges_and_other_activations_match_finite_differences():
    net = mixed_net()
    x, g = [0.8, -0.3], np.array([0.7, -1.3])
    net.forward(x)
    assert net.z[5] > 0.1                                 # relu away from its kink
    assert not net.is_layered()
    grads = net.backward(grad_out=g)

    def cost():  # C = g . a_out has dC/da_out = g
        return float(g @ net.forward(x))

    for (src, dst), grad in grads.items():
        assert rel_err(grad, central_difference(net, src, dst, cost)) < 1e-7, (src, dst)

    net.forward(x)
    grads = net.backward(target=[0.2, 0.9])
    for (src, dst), grad in grads.items():
        fd = central_difference(net, src, dst, lambda: 0.5 * np.sum((net.forward(x) - [0.2, 0.9]) ** 2))
        assert rel_err(grad, fd) < 1e-7, (src, dst)


def test_mixed_net_forward_by_hand():
    x1, x2 = 0.8, -0.3
    z4 = 0.5 * x1 - 1.0 * x2 + 0.25
    z5 = 1.0 * x1 + 0.5 * x2 + 0.5
    a4, a5 = math.tanh(z4), max(z5, 0.0)
    a6 = 2.0 * a4 - 1.0 * a5 + 0.5                         # identity output
    a7 = sig(-1.5 * a4 + 1.0 * a5 + 0.5 * x1)               # logistic output, with the skip 1 -> 7
    assert mixed_net().forward([x1, x2]) == pytest.approx([a6, a7], rel=1e-12)


# ---- structure --------------------------------------------------------------------------------
def small_net():
    return GraphNetwork({1: "input", 2: "bias", 3: "sigmoid", 4: "sigmoid"},
                        [(1, 3, 1.0), (2, 3, 1.0), (3, 4, 1.0)])


def test_cycles_are_refused():
    net = small_net()
    with pytest.raises(ValueError, match="cycle"):
        net.add_edge(4, 3, 1.0)
    with pytest.raises(ValueError, match="cycle"):
        net.add_edge(3, 3, 1.0)
    net.add_neuron(5)
    net.add_edge(4, 5, 1.0)
    with pytest.raises(ValueError, match="cycle"):
        net.add_edge(5, 3, 1.0)                           # 3 -> 4 -> 5 -> 3


@pytest.mark.parametrize("dst, word", [(1, "input"), (2, "bias")])
def test_no_edges_into_input_or_bias_neurons(dst, word):
    with pytest.raises(ValueError, match=f"dst={dst} is a {word} neuron"):
        small_net().add_edge(3, dst, 1.0)


def test_unknown_ids_and_duplicates_are_refused():
    net = small_net()
    with pytest.raises(ValueError, match="dst=42 is not a neuron"):
        net.add_edge(1, 42, 1.0)
    with pytest.raises(ValueError, match="src=0 is not a neuron"):
        net.add_edge(0, 3, 1.0)
    with pytest.raises(ValueError, match="already exists"):
        net.add_edge(1, 3, 0.5)
    with pytest.raises(ValueError, match="neuron 3 already exists"):
        net.add_neuron(3)
    with pytest.raises(ValueError, match="no edge 1 -> 4"):
        net.set_weight(1, 4, 0.5)


def test_bad_types_are_refused():
    with pytest.raises(TypeError, match="ints"):
        GraphNetwork().add_input("a")
    with pytest.raises(TypeError, match="ints"):
        GraphNetwork().add_bias(True)
    with pytest.raises(TypeError, match="src must be a neuron id"):
        small_net().add_edge(1.0, 4, 1.0)
    with pytest.raises(TypeError, match="weight"):
        small_net().add_edge(1, 4, "big")
    with pytest.raises(ValueError, match="activation"):
        GraphNetwork().add_neuron(1, "softplus")
    with pytest.raises(TypeError, match="neurons must be a dict"):
        GraphNetwork([1, 2, 3])
    with pytest.raises(ValueError, match="triple"):
        GraphNetwork({1: "input", 2: "sigmoid"}, [(1, 2)])


def test_forward_and_backward_check_their_inputs():
    net = running_example()
    with pytest.raises(ValueError, match="x has 2 value"):
        net.forward([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        net.forward([float("nan")])
    with pytest.raises(ValueError, match="forward"):
        net.backward(target=0.0)
    net.forward(1.0)
    with pytest.raises(TypeError, match="exactly one"):
        net.backward()
    with pytest.raises(TypeError, match="exactly one"):
        net.backward(target=0.0, grad_out=[1.0])
    with pytest.raises(ValueError, match="target has 2 value"):
        net.backward(target=[0.0, 1.0])
    lonely = small_net().add_neuron(5)
    with pytest.raises(ValueError, match="neuron 5 has no incoming edges"):
        lonely.forward(1.0)
    with pytest.raises(ValueError, match="no input neurons"):
        GraphNetwork({1: "bias", 2: "sigmoid"}, [(1, 2, 1.0)]).forward([])


def test_layers_of_the_running_example():
    net = running_example()
    assert net.layers() == [[1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert net.is_layered() and net.skip_edges() == []
    assert "layered" in repr(net) and "4 hidden" in repr(net)


def test_non_layered_networks_are_detected():
    net = non_layered_example()
    assert not net.is_layered()
    assert net.skip_edges() == [(1, 9)]
    assert "not layered" in repr(net)
    triangle = GraphNetwork({1: "input", 2: "sigmoid", 3: "sigmoid"},
                            [(1, 2, 1.0), (2, 3, 1.0), (1, 3, 1.0)])   # 3 is 1 and 2 steps away
    assert triangle.layers() == [[1], [2], [3]] and not triangle.is_layered()
    bias_twice = GraphNetwork({1: "input", 2: "bias", 3: "sigmoid", 4: "sigmoid"},
                              [(1, 3, 1.0), (3, 4, 1.0), (2, 3, 1.0), (2, 4, 1.0)])
    assert bias_twice.skip_edges() == [(2, 4)]            # one bias neuron feeding two layers
    with pytest.raises(ValueError, match="layered"):
        net.to_matrices()


# ---- matrices ---------------------------------------------------------------------------------
def test_to_matrices_of_the_running_example():
    mats = running_example().to_matrices()
    # written out from the edge list: row = receiving neuron, column = sending neuron
    expected = [([3, 4], [1], [[2.0], [-1.0]], [-1.0, 0.5]),
                ([6, 7], [3, 4], [[1.0, -2.0], [0.0, 1.0]], [0.5, -0.5]),
                ([9], [6, 7], [[2.0, -1.0]], [0.5])]
    assert len(mats) == 3
    for m, (rows, cols, W, b) in zip(mats, expected):
        assert m["rows"] == rows and m["cols"] == cols
        np.testing.assert_array_equal(m["W"], W)
        np.testing.assert_array_equal(m["b"], b)
        assert m["activations"] == ["sigmoid"] * len(rows)


@pytest.mark.parametrize("x", [1.0, -0.7, 2.5])
def test_to_matrices_reproduces_forward(x):
    net = running_example()
    a = np.array([x])
    for m in net.to_matrices():
        a = 1.0 / (1.0 + np.exp(-(m["W"] @ a + m["b"])))
    np.testing.assert_allclose(a, net.forward(x), rtol=1e-12)


def test_to_matrices_needs_outputs_in_the_last_layer():
    net = GraphNetwork({1: "input", 2: "sigmoid", 3: "sigmoid", 4: "sigmoid"},
                       [(1, 2, 1.0), (2, 3, 1.0), (1, 4, 1.0)])   # output 4 ends in layer 1
    assert net.is_layered()
    with pytest.raises(ValueError, match="not in the last layer"):
        net.to_matrices()
