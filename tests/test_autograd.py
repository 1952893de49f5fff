"""Tests of nbtools.autograd (the Value engine) and nbtools.autograd_nn (the chapter's network on
it): every gradient against central finite differences.

Expected values come from outside the engine: finite differences of the forward pass, the math
module, numpy, or arithmetic done by hand in the test.
"""
import gc
import math

import numpy as np
import pytest

from nbtools.autograd import Value, topological_order, trace, zero_grad
from nbtools.autograd_nn import Layer, NeuralNetwork, Neuron, bce_loss, gc_paused, train

H = 1e-6  # finite-difference step


def numeric_grad(f, xs, h=H):
    """Central differences of f(*Values) with respect to each input number."""
    grads = []
    for i in range(len(xs)):
        up = [x + h if j == i else x for j, x in enumerate(xs)]
        down = [x - h if j == i else x for j, x in enumerate(xs)]
        grads.append((f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * h))
    return grads


def check_grad(f, *xs, rtol=1e-5, atol=1e-7):
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    expected = numeric_grad(f, xs)
    for leaf, want in zip(leaves, expected):
        assert leaf.grad == pytest.approx(want, rel=rtol, abs=atol)


# ---- every operation, Values and Python numbers on either side ----------------------------

UNARY = {
    "x + 2": lambda x: x + 2,
    "2 + x": lambda x: 2 + x,
    "x - 2": lambda x: x - 2,
    "2 - x": lambda x: 2 - x,
    "x * 3": lambda x: x * 3,
    "3 * x": lambda x: 3 * x,
    "x / 3": lambda x: x / 3,
    "3 / x": lambda x: 3 / x,
    "-x": lambda x: -x,
    "x ** 2": lambda x: x ** 2,
    "x ** 2.5": lambda x: x ** 2.5,
    "x ** -1": lambda x: x ** -1,
    "x ** 0.5": lambda x: x ** 0.5,
    "2 ** x": lambda x: 2 ** x,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "np.float64 * x": lambda x: np.float64(1.5) * x,
    "x * np.int64": lambda x: x * np.int64(4),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [0.7, 1.9])
def test_unary_gradient_matches_finite_differences(name, x):
    check_grad(UNARY[name], x)


@pytest.mark.parametrize("x", [-1.3, -0.2])
@pytest.mark.parametrize("name", ["x + 2", "2 - x", "3 / x", "-x", "x ** 2", "x ** -1", "exp",
                                  "tanh", "sigmoid", "relu"])
def test_unary_gradient_for_negative_inputs(name, x):
    check_grad(UNARY[name], x)


BINARY = {
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "a / b": lambda a, b: a / b,
    "composite": lambda a, b: ((a * b).tanh() + (a / b).exp() - (b ** 2 + 1).log()).sigmoid(),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradient_matches_finite_differences(name):
    check_grad(BINARY[name], 0.8, -1.7)


def test_hand_computed_gradients():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a  # dc/da = b + 1 = -2, dc/db = a = 2
    c.backward()
    assert (c.data, a.grad, b.grad) == (-4.0, -2.0, 2.0)


def test_forward_values_match_math_module():
    for x in [-2.5, -0.3, 0.0, 0.4, 3.0]:
        assert Value(x).exp().data == pytest.approx(math.exp(x), rel=1e-15)
        assert Value(x).tanh().data == pytest.approx(math.tanh(x), rel=1e-15)
        assert Value(x).sigmoid().data == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)
        assert Value(x).relu().data == max(0.0, x)
    for x in [1e-8, 0.5, 1.0, 7.0]:
        assert Value(x).log().data == pytest.approx(math.log(x), rel=1e-15)
    assert (Value(7.0) / 2).data == 3.5
    assert (1 - Value(0.25)).data == 0.75
    assert (Value(3.0) ** 2.5).data == pytest.approx(3.0 ** 2.5)


def test_sigmoid_does_not_overflow_for_large_inputs():
    big_negative = Value(-1000.0).sigmoid()
    big_positive = Value(1000.0).sigmoid()
    assert big_negative.data == 0.0 and big_positive.data == 1.0
    big_negative.backward()
    assert math.isfinite(big_negative._a.grad)


def test_relu_at_zero_has_derivative_zero():
    # documented convention (the chapter's `out.data > 0` rule): relu'(0) = 0
    x = Value(0.0)
    y = x.relu()
    y.backward()
    assert y.data == 0.0 and x.grad == 0.0
    x = Value(1e-12)
    x.relu().backward()
    assert x.grad == 1.0


def test_pow_edge_cases():
    x = Value(0.0)
    (x ** 2).backward()
    assert x.grad == 0.0
    x = Value(0.0)
    (x ** 0.5).backward()
    assert x.grad == math.inf
    x = Value(-2.0)
    (x ** 3).backward()  # integer power of a negative number is fine: 3 * 4 = 12
    assert x.grad == 12.0


# ---- a new operation, built with the public constructor -------------------------------------

def value_sin(v):
    """sin as a student writes it: output number, local derivative, inputs."""
    return Value(math.sin(v.data), "sin", v, math.cos(v.data))


def value_hypot(a, b):
    """sqrt(a^2 + b^2), a two-input node: d/da = a / out, d/db = b / out."""
    out = math.hypot(a.data, b.data)
    return Value(out, "hypot", a, a.data / out, b, b.data / out)


@pytest.mark.parametrize("x", [-2.0, 0.3, 1.7])
def test_new_one_input_operation_matches_finite_differences(x):
    check_grad(lambda v: value_sin(v * v) * v, x)      # d/dx x sin(x^2) = sin x^2 + 2x^2 cos x^2
    leaf = Value(x)
    value_sin(leaf * leaf).backward()
    assert leaf.grad == pytest.approx(2 * x * math.cos(x * x), rel=1e-12)


def test_new_two_input_operation_matches_finite_differences():
    check_grad(lambda a, b: value_hypot(a * 2, b - 1).tanh(), 0.8, -1.7)
    a, b = Value(3.0), Value(4.0)
    h = value_hypot(a, b)
    h.backward()
    assert (h.data, a.grad, b.grad) == (5.0, 0.6, 0.8)
    assert h._op == "hypot" and h._prev == (a, b)


def test_new_operation_with_keywords_is_the_same_node():
    x = Value(0.5)
    by_position = Value(2.0, "sq", x, 3.0)
    by_keyword = Value(2.0, op="sq", a=x, da=3.0, label="y")
    for node in (by_position, by_keyword):
        assert (node.data, node._op, node._a, node._da, node._b) == (2.0, "sq", x, 3.0, None)
    assert by_keyword.label == "y" and by_position.label == ""
    by_keyword.backward()
    assert x.grad == 3.0                               # da * upstream gradient 1


@pytest.mark.parametrize("make, match", [
    (lambda x: Value(math.sin(x.data), "sin", x.data, 1.0), "input a of a new node must be a Value"),
    (lambda x: Value(1.0, "mul", x, 1.0, 2.0, 1.0), "input b of a new node must be a Value"),
    (lambda x: Value(math.sin(x.data), x, math.cos(x.data)), r"op must be.*Value\(data, op, a, da"),
    (lambda x: Value(1.0, "sin", x, x), r"Value\(da\).*v\.data"),        # da given as a Value
    (lambda x: Value(x, "copy", x, 1.0), r"Value\(data\).*not the Value v itself"),
    (lambda x: Value(1.0, label=3), "label must be a string"),
])
def test_new_node_with_wrong_arguments_explains(make, match):
    with pytest.raises(TypeError, match=match):
        make(Value(0.5))


def test_numbers_of_other_types_are_stored_as_floats():
    x = Value(np.float32(0.5))
    y = Value(np.int64(2), "times", x, 1)
    assert type(x.data) is float and type(y.data) is float and type(y._da) is float
    y.backward()
    assert x.grad == 1.0 and type(x.grad) is float


# ---- accumulation, reuse, graph structure -------------------------------------------------

def test_reused_node_accumulates():
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0


def test_square_by_self_multiplication():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0  # d(a^2)/da = 2a


def test_value_used_in_two_branches():
    a, b = Value(1.5), Value(-2.0)
    e = (a * b).exp() + a.tanh() * b  # a reaches e by two paths
    e.backward()
    want_a = b.data * math.exp(a.data * b.data) + b.data * (1 - math.tanh(a.data) ** 2)
    assert a.grad == pytest.approx(want_a, rel=1e-12)


def test_second_backward_accumulates_and_zero_grad_resets():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0  # 4 + 4: gradients accumulate, as documented
    y.zero_grad()
    assert x.grad == 0.0 and y.grad == 0.0
    x.grad = 5.0
    zero_grad([x])
    assert x.grad == 0.0


def test_long_chain_backward_without_recursion_error():
    n, c = 100_000, 1.00001
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * c
    y.backward()  # a recursive topological sort would raise RecursionError here
    assert x.grad == pytest.approx(c ** n, rel=1e-9)  # d(x c^n)/dx = c^n
    assert len(topological_order(y)) == n + 1


def test_topological_order_lists_inputs_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d.relu() * c
    order = topological_order(e)
    position = {id(v): i for i, v in enumerate(order)}
    assert len(order) == 6 and order[-1] is e
    for node in order:
        for child in node._prev:
            assert position[id(child)] < position[id(node)]


def test_trace_nodes_and_edges():
    a = Value(2.0, label="a")
    b = a + a  # one distinct edge a -> b
    c = b * a
    nodes, edges = trace(c)
    assert [n.data for n in nodes] == [2.0, 4.0, 8.0]
    assert {(ch.data, pa.data) for ch, pa in edges} == {(2.0, 4.0), (4.0, 8.0), (2.0, 8.0)}
    assert len(edges) == 3
    assert c._op == "*" and b._op == "+" and a._op == ""
    assert b._prev == (a, a) and a._prev == ()


def test_constants_get_no_node():
    x = Value(1.0)
    y = 2 * x + 1
    assert len(topological_order(y)) == 3  # x, 2*x, +1


def test_graph_has_no_reference_cycles():
    model = NeuralNetwork(2, [3, 1], seed=0)
    gc.collect()
    with gc_paused():
        loss = model.loss([[0.1, 0.2], [0.3, -0.4]], [0, 1])
        loss.backward()
        del loss
        assert gc.collect() == 0  # nothing left for the cycle collector


def test_gc_paused_restores_collector_state():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # was off before, stays off
    finally:
        gc.enable()


def test_train_restores_the_collector_state():
    X, ys = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    assert gc.isenabled()
    train(NeuralNetwork(2, [1]), X, ys, n_epochs=2, verbose=False)
    assert gc.isenabled()
    gc.disable()
    try:
        train(NeuralNetwork(2, [1]), X, ys, n_epochs=2, verbose=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_repr():
    assert repr(Value(1.5, label="w")) == "Value(w: data=1.5, grad=0)"
    assert "Neuron(nin=3, nonlin='sigmoid')" == repr(Neuron(3, nonlin="sigmoid"))
    assert repr(Layer(2, 4)) == "Layer(nin=2, nout=4, nonlin='relu')"
    assert repr(NeuralNetwork(2, [4, 2, 1])) == (
        "NeuralNetwork(2 -> 4 relu -> 2 relu -> 1 sigmoid; 25 parameters)")


# ---- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: Value(1.0) + "a",
    lambda: "a" * Value(1.0),
    lambda: Value(1.0) - None,
    lambda: [1, 2] / Value(1.0),
    lambda: Value(1.0) * np.array([1.0, 2.0]),
    lambda: np.array([1.0, 2.0]) * Value(1.0),
    lambda: Value(2.0) ** Value(2.0),
    lambda: Value("3"),
    lambda: Value(None),
    lambda: Value(1 + 2j),
])
def test_non_number_operands_raise_type_error(make):
    with pytest.raises(TypeError):
        make()


def test_type_error_message_explains():
    with pytest.raises(TypeError, match=r"Value \* str.*real number.*float\(x\)"):
        Value(1.0) * "2"


@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive_raises_value_error(x):
    with pytest.raises(ValueError, match=r"positive.*eps"):
        Value(x).log()


def test_other_domain_errors():
    with pytest.raises(ValueError, match="non-integer power"):
        Value(-2.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)
    with pytest.raises(OverflowError, match="learning rate"):
        Value(1000.0).exp()


def test_unknown_nonlinearity():
    with pytest.raises(ValueError, match=r"Unknown nonlin 'softplus'.*relu"):
        Neuron(2, nonlin="softplus")


@pytest.mark.parametrize("kwargs, error", [
    (dict(nin=0, nouts=[1]), ValueError),
    (dict(nin=2, nouts=[]), TypeError),
    (dict(nin=2, nouts=3), TypeError),
    (dict(nin=2, nouts=[4, 0]), ValueError),
    (dict(nin=2, nouts=[1], seed=None), TypeError),
])
def test_bad_network_arguments(kwargs, error):
    with pytest.raises(error):
        NeuralNetwork(**kwargs)


def test_wrong_input_length():
    with pytest.raises(ValueError, match="2 numbers"):
        NeuralNetwork(2, [1])([1.0, 2.0, 3.0])


# ---- the network ---------------------------------------------------------------------------

def test_forward_matches_numpy_with_set_weights():
    model = NeuralNetwork(3, [4, 2, 1], seed=0)
    rng = np.random.default_rng(5)
    weights = [(rng.normal(size=(4, 3)), rng.normal(size=4)),
               (rng.normal(size=(2, 4)), rng.normal(size=2)),
               (rng.normal(size=(1, 2)), rng.normal(size=1))]
    model.set_weights(weights)
    x = rng.normal(size=3)
    a = x
    for i, (W, b) in enumerate(weights):  # a = f(W a + b), row j of W feeds neuron j
        z = W @ a + b
        a = 1 / (1 + np.exp(-z)) if i == 2 else np.maximum(z, 0)
    assert model(x).data == pytest.approx(a[0], rel=1e-12)


def test_get_set_weights_round_trip():
    model = NeuralNetwork(2, [3, 2, 1], seed=4)
    weights = model.get_weights()
    assert [(W.shape, b.shape) for W, b in weights] == [((3, 2), (3,)), ((2, 3), (2,)),
                                                        ((1, 2), (1,))]
    other = NeuralNetwork(2, [3, 2, 1], seed=99)
    other.set_weights(weights)
    for (W1, b1), (W2, b2) in zip(weights, other.get_weights()):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    assert other([0.3, -0.8]).data == model([0.3, -0.8]).data
    # the same Value objects are updated in place
    params = other.parameters()
    other.set_weights([(np.zeros((3, 2)), np.ones(3)), (np.zeros((2, 3)), np.zeros(2)),
                       (np.zeros((1, 2)), np.zeros(1))])
    assert params[0].data == 0.0 and params[2].data == 1.0  # neuron 0: w0, w1, b


def test_set_weights_rejects_wrong_shapes():
    model = NeuralNetwork(2, [3, 1])
    with pytest.raises(ValueError, match=r"\(3, 2\).*pass W.T"):
        model.set_weights([(np.zeros((2, 3)), np.zeros(3)), (np.zeros((1, 3)), np.zeros(1))])
    with pytest.raises(ValueError, match="2 \\(W, b\\) pairs"):
        model.set_weights([(np.zeros((3, 2)), np.zeros(3))])


def test_seeds_are_reproducible_and_neurons_differ():
    w1 = NeuralNetwork(2, [3, 1], seed=7).get_weights()
    w2 = NeuralNetwork(2, [3, 1], seed=7).get_weights()
    w3 = NeuralNetwork(2, [3, 1], seed=8).get_weights()
    np.testing.assert_array_equal(w1[0][0], w2[0][0])
    assert not np.array_equal(w1[0][0], w3[0][0])
    W = w1[0][0]
    assert not np.array_equal(W[0], W[1])  # each neuron draws its own weights
    assert np.all(np.abs(W) <= 1) and np.all(w1[0][1] == 0)  # uniform(-1, 1), zero bias
    gen = np.random.default_rng(3)
    assert len(Neuron(2, seed=gen).parameters()) == 3


def test_network_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2))
    ys = [0, 1, 1, 0, 1, 0]
    model = NeuralNetwork(2, [3, 2, 1], seed=2)
    model.set_weights([(rng.normal(size=(3, 2)), rng.normal(size=3) * 0.1),
                       (rng.normal(size=(2, 3)), rng.normal(size=2) * 0.1),
                       (rng.normal(size=(1, 2)), rng.normal(size=1) * 0.1)])
    model.zero_grad()
    model.loss(X, ys).backward()
    for p in model.parameters():
        original = p.data
        p.data = original + H
        up = model.loss(X, ys).data
        p.data = original - H
        down = model.loss(X, ys).data
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * H), rel=1e-4, abs=1e-8)


def test_layer_weights_in_row_convention():
    layer = Layer(3, 2, nonlin="linear")
    layer.set_weights(np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]]), np.array([0.5, -0.5]))
    out = layer([1.0, 1.0, 2.0])
    assert [o.data for o in out] == [0.5 + 1 + 2 + 6, -0.5 - 1 + 1]


def test_bce_loss_by_hand():
    eps = 1e-8
    loss = bce_loss([Value(0.8), Value(0.3)], [1, 0], eps=eps)
    assert loss.data == pytest.approx(-(math.log(0.8 + eps) + math.log(0.7 + eps)) / 2, rel=1e-12)
    # eps keeps a confident wrong prediction finite: -log(eps) / 1
    assert bce_loss([Value(0.0)], [1]).data == pytest.approx(-math.log(1e-8))


# ---- training ------------------------------------------------------------------------------

def separable_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    ys = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, ys


def test_train_reduces_loss_and_is_reproducible():
    X, ys = separable_data()
    losses = train(NeuralNetwork(2, [4, 1], seed=0), X, ys, learning_rate=0.2, n_epochs=30,
                   batch_size=10, seed=0, verbose=False)
    again = train(NeuralNetwork(2, [4, 1], seed=0), X, ys, learning_rate=0.2, n_epochs=30,
                  batch_size=10, seed=0, verbose=False)
    other = train(NeuralNetwork(2, [4, 1], seed=0), X, ys, learning_rate=0.2, n_epochs=30,
                  batch_size=10, seed=1, verbose=False)
    assert len(losses) == 30
    assert losses == again
    assert losses != other  # a different shuffle
    assert losses[-1] < 0.5 * losses[0]


def test_train_steps_match_a_hand_written_loop():
    X, ys = separable_data()
    model = NeuralNetwork(2, [3, 1], seed=0)
    twin = NeuralNetwork(2, [3, 1], seed=0)
    train(model, X, ys, learning_rate=0.1, n_epochs=2, batch_size=16, seed=5, verbose=False)
    rng = np.random.default_rng(5)
    for _ in range(2):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 16):
            idx = order[start:start + 16]
            loss = twin.loss(X[idx], ys[idx].tolist())
            twin.zero_grad()
            loss.backward()
            for p in twin.parameters():
                p.data -= 0.1 * p.grad
    for (W1, b1), (W2, b2) in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(W1, W2, rtol=1e-12)
        np.testing.assert_allclose(b1, b2, rtol=1e-12)


def test_train_reports_every_n_epochs(capsys):
    X, ys = separable_data()
    train(NeuralNetwork(2, [2, 1]), X, ys, n_epochs=5, batch_size=20, report_every=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [int(line.split()[1]) for line in lines] == [0, 2, 4]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(ys=[0, 1, 2] * 13 + [0]), ValueError, "labels in 0..1"),
    (dict(X=np.zeros(40)), ValueError, "2-D"),
    (dict(X=np.zeros((40, 3))), ValueError, "3 features"),
    (dict(learning_rate=0), ValueError, "learning_rate"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(seed=None), TypeError, "seed"),
])
def test_train_rejects_bad_input(kwargs, error, match):
    X, ys = separable_data()
    args = dict(X=X, ys=ys, n_epochs=1, verbose=False) | kwargs
    with pytest.raises(error, match=match):
        train(NeuralNetwork(2, [2, 1]), **args)


def test_train_stops_and_warns_on_divergence():
    X, ys = separable_data()
    model = NeuralNetwork(2, [2, 1])
    model.parameters()[-1].data = math.nan  # the output neuron's bias
    with pytest.warns(RuntimeWarning, match="smaller learning_rate"):
        losses = train(model, X, ys, n_epochs=10, verbose=False)
    assert len(losses) == 1 and math.isnan(losses[0])


# ---- drawing -------------------------------------------------------------------------------

def test_draw_graph_makes_one_box_per_value_and_refreshes():
    plt = pytest.importorskip("matplotlib.pyplot")
    from nbtools.graphdraw import ROW, draw_graph, update_graph

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = (a * b + a).tanh()
    c.backward()
    artists = draw_graph(c)
    try:
        assert len(artists["boxes"]) == 5 and len(artists["ops"]) == 3
        assert artists["boxes"][a].get_text() == f"a\ndata 2.0000\ngrad {a.grad:.4f}"
        # 3 op -> result arrows; inputs: a->*, b->*, (a*b)->+, (a*b+a)->tanh, and a->+, which
        # skips the column of a*b and so bends once (2 segments): 3 + 4 + 2 = 9
        assert len(artists["edges"]) == 9
        # boxes in one column never overlap
        positions = [t.get_position() for t in artists["boxes"].values()]
        for i, (x1, y1) in enumerate(positions):
            for x2, y2 in positions[i + 1:]:
                assert x1 != x2 or abs(y1 - y2) >= ROW * 0.99
        c.zero_grad()
        update_graph(artists)
        assert artists["boxes"][a].get_text().endswith("grad 0.0000")
    finally:
        plt.close("all")


def test_draw_graph_on_given_axes_and_bad_input():
    plt = pytest.importorskip("matplotlib.pyplot")
    from nbtools.graphdraw import draw_graph

    fig, ax = plt.subplots()
    try:
        x = Value(1.0)
        artists = draw_graph(x * x, ax=ax, show_grad=False)
        assert plt.gcf() is fig and "grad" not in artists["boxes"][x].get_text()
        assert len(artists["edges"]) == 2  # x -> *, once, and * -> result
        with pytest.raises(TypeError, match="must be a Value"):
            draw_graph(3.0)
    finally:
        plt.close("all")
