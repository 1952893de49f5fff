"""One computation at three zoom levels must give the same numbers.

The neuron-level graph (``graphnet``), the scalar autograd engine (``autograd``) and the vectorized
layers (``nn.MLP``) are written independently; for the same weights and data they must agree on
outputs and on every gradient, to 1e-12.
"""
import numpy as np
import pytest

from nbtools import autograd_nn, graphnet, losses
from nbtools.nn import MLP

RNG = np.random.default_rng(11)
X = RNG.normal(size=(6, 2))
Y = np.array([0, 1, 1, 0, 1, 0])


def mlp_gradients(net, X, y, loss):
    out = net.forward(X)
    value = loss(out, y)
    net.zero_grad()
    net.backward(loss.backward())
    return out, value, [g.copy() for g in net.gradients()]


def test_value_engine_and_mlp_agree_on_the_chapters_network():
    net = MLP([2, 4, 2, 1], hidden="relu", output="sigmoid", seed=3)
    for layer in net.dense:  # keep pre-activations away from ReLU's kink
        layer.params["b"][...] = RNG.normal(0.3, 0.05, size=layer.n_out)
    out, value, grads = mlp_gradients(net, X, Y, losses.BinaryCrossEntropy(eps=0.0))

    model = autograd_nn.NeuralNetwork(2, [4, 2, 1], seed=0)
    params = net.parameters()
    model.set_weights([(params[i], params[i + 1]) for i in range(0, len(params), 2)])
    loss = model.loss(X, Y.tolist(), eps=0.0)
    loss.backward()

    assert loss.data == pytest.approx(value, abs=1e-12)
    np.testing.assert_allclose([model(x).data for x in X], out[:, 0], atol=1e-12)
    for (W, b), layer, gW, gb in zip(model.get_weights(), model.layers, grads[::2], grads[1::2]):
        grad_W = np.array([[w.grad for w in n.w] for n in layer.neurons])
        grad_b = np.array([n.b.grad for n in layer.neurons])
        np.testing.assert_allclose(grad_W, gW, atol=1e-12)
        np.testing.assert_allclose(grad_b, gb, atol=1e-12)


def layered_graph_from(net):
    """The MLP as explicit neurons and edges: inputs, one bias neuron per layer, every edge listed."""
    g = graphnet.GraphNetwork()
    ids = [list(range(1, net.sizes[0] + 1))]
    for nid in ids[0]:
        g.add_input(nid)
    next_id = net.sizes[0] + 1
    for l, layer in enumerate(net.dense):
        bias, next_id = next_id, next_id + 1
        g.add_bias(bias)
        act = net.output if l == len(net.dense) - 1 else net.hidden
        row = list(range(next_id, next_id + layer.n_out))
        next_id += layer.n_out
        for j, nid in enumerate(row):
            g.add_neuron(nid, act)
            for k, src in enumerate(ids[-1]):
                g.add_edge(src, nid, float(layer.params["W"][j, k]))
            g.add_edge(bias, nid, float(layer.params["b"][j]))
        ids.append(row)
    return g, ids


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_neuron_graph_and_mlp_agree_with_squared_loss(hidden):
    net = MLP([2, 3, 2, 2], hidden=hidden, output="sigmoid", seed=4)
    for layer in net.dense:
        layer.params["b"][...] = RNG.normal(0.3, 0.05, size=layer.n_out)
    x, target = X[:1], np.array([[0.2, 0.9]])
    out, value, grads = mlp_gradients(net, x, target, losses.MeanSquaredError())

    g, ids = layered_graph_from(net)
    np.testing.assert_allclose(g.forward(x[0]), out[0], atol=1e-12)
    assert g.loss(target[0]) == pytest.approx(value, abs=1e-12)
    edge_grad = g.backward(target=target[0])
    for l, (gW, gb) in enumerate(zip(grads[::2], grads[1::2])):
        bias = ids[l + 1][0] - 1
        for j, nid in enumerate(ids[l + 1]):
            for k, src in enumerate(ids[l]):
                assert edge_grad[(src, nid)] == pytest.approx(gW[j, k], abs=1e-12)
            assert edge_grad[(bias, nid)] == pytest.approx(gb[j], abs=1e-12)
