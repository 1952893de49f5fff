"""Bad input at the layers and blocks: a clear TypeError/ValueError, or a RuntimeError for call order.

Before, a list or None gave an AttributeError, a string array "data type must provide an
itemsize", complex and object arrays passed silently, and backward before forward gave raw errors.
"""
import numpy as np
import pytest

from nbtools import blocks, layers

LAYERS = {
    "Dense": lambda: layers.Dense(2, 3, seed=0),
    "ReLU": layers.ReLU,
    "Sigmoid": layers.Sigmoid,
    "LeakyReLU": layers.LeakyReLU,
    "Softmax": layers.Softmax,
    "BatchNorm": lambda: blocks.BatchNorm(2),
    "Residual": lambda: blocks.Residual([layers.Dense(2, 2, seed=0), layers.Tanh()]),
}


@pytest.mark.parametrize("make", LAYERS.values(), ids=LAYERS.keys())
@pytest.mark.parametrize("x, error, match", [
    (None, TypeError, "must be an array of numbers, got NoneType"),
    (np.array([["a", "b"]]), TypeError, "holding text"),
    (np.ones((2, 2)) * 1j, TypeError, r"holding complex numbers: keep the real part with x\.real"),
    (np.array([[None, 1.0]], dtype=object), TypeError, "None entries"),
    ([[1.0, 2.0], [3.0]], TypeError, "rows of equal length"),
], ids=["None", "text", "complex", "object-None", "ragged"])
def test_forward_refuses_what_is_not_an_array_of_reals(make, x, error, match):
    with pytest.raises(error, match=match):
        make().forward(x)


@pytest.mark.parametrize("make", LAYERS.values(), ids=LAYERS.keys())
def test_forward_accepts_a_list_and_an_object_array_of_numbers(make):
    x = [[0.5, -1.0], [2.0, 0.25]]
    want = make().forward(np.array(x))
    np.testing.assert_array_equal(make().forward(x), want)
    np.testing.assert_array_equal(make().forward(np.array(x, dtype=object)), want)


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Dense(2, 3), r"\(n, 2\)"), (layers.Softmax, r"\(n, k\)"),
    (lambda: blocks.BatchNorm(2), r"\(m, 2\)"),
])
def test_forward_names_the_shape_and_how_to_make_one_sample(make, shape):
    with pytest.raises(ValueError, match=shape + r", got \(2,\)\. If it holds one sample, use x\.reshape\(1, -1\)"):
        make().forward(np.array([0.5, 1.0]))


@pytest.mark.parametrize("make", LAYERS.values(), ids=LAYERS.keys())
def test_backward_before_forward_says_so(make):
    with pytest.raises(RuntimeError, match=r"call forward\(x\) before backward\(grad_out\)"):
        make().backward(np.ones((4, 2)))


@pytest.mark.parametrize("make", LAYERS.values(), ids=LAYERS.keys())
@pytest.mark.parametrize("grad", [np.ones((4, 5)), np.ones(4), np.ones((5, 2))], ids=["cols", "1-D", "rows"])
def test_backward_checks_the_shape_of_grad_out(make, grad):
    layer = make()
    out = layer.forward(np.ones((4, 2)) * np.arange(4)[:, None])
    with pytest.raises(ValueError, match=rf"backward expects grad_out of shape \({out.shape[0]}, {out.shape[1]}\)"):
        layer.backward(grad)


def test_backward_refuses_a_complex_gradient_and_converts_a_list():
    layer = layers.Dense(2, 3, seed=0)
    layer.forward(np.ones((1, 2)))
    with pytest.raises(TypeError, match="complex"):
        layer.backward(np.ones((1, 3)) * 1j)
    np.testing.assert_allclose(layer.backward([[1.0, 0.0, 0.0]]), layer.params["W"][:1])


def test_layers_let_nan_and_inf_through_as_pytorch_does():
    out = layers.Dense(2, 3, seed=0).forward(np.array([[np.nan, 1.0]]))
    assert np.isnan(out).all()
    assert layers.ReLU().forward(np.array([[np.inf, -np.inf]])).tolist() == [[np.inf, 0.0]]


def test_softmax_of_huge_scores_is_exact_without_warnings():
    with np.errstate(all="raise"):
        assert layers.Softmax().forward(np.array([[1e308, -1e308]])).tolist() == [[1.0, 0.0]]


@pytest.mark.parametrize("weights", [None, 5, np.zeros(3)])
def test_set_weights_needs_a_list(weights):
    from nbtools import nn
    with pytest.raises(TypeError, match=r"weights must be a list of arrays \[W1, b1, \.\.\.\]"):
        nn.MLP([2, 3, 1]).set_weights(weights)


@pytest.mark.parametrize("z", [None, "1", np.array([0.0, 1.0])])
def test_graphnet_sigmoid_takes_one_number(z):
    from nbtools import graphnet
    with pytest.raises(TypeError, match="sigmoid takes one number z"):
        graphnet.sigmoid(z)
    assert graphnet.sigmoid(np.float64(0.0)) == 0.5 and graphnet.sigmoid(-1000) == 0.0
