"""Layers: forward values from their formulas, backward by finite differences."""
import numpy as np
import pytest

from nbtools import layers
from nbtools.gradcheck import check_layer, numerical_gradient, relative_error

RNG = np.random.default_rng(1)
X = RNG.normal(size=(6, 4))


@pytest.mark.parametrize("layer", [
    layers.Dense(4, 3, seed=0),
    layers.Sigmoid(), layers.Tanh(), layers.ReLU(), layers.LeakyReLU(0.1),
    layers.Identity(), layers.Softmax(),
], ids=repr)
def test_every_layer_passes_gradient_check(layer):
    errors = check_layer(layer, X, seed=3)
    assert max(errors.values()) < 1e-7, errors


def test_dense_keeps_its_input_output_and_delta():
    layer = layers.Dense(4, 3, seed=0)
    z = layer.forward(X)
    assert layer.x is X and layer.z is z
    g = RNG.normal(size=z.shape)
    layer.backward(g)
    assert layer.delta is g   # dL/dz, what a network collects in net.delta


def test_every_layer_switches_between_training_and_eval_mode():
    for layer in (layers.Dense(2, 2), layers.ReLU(), layers.Softmax()):
        assert layer.training and layer.eval() is layer and not layer.training
        assert layer.train() is layer and layer.training


def test_dense_forward_is_the_weighted_sum_per_unit():
    layer = layers.Dense(2, 2, seed=0)
    layer.params["W"][...] = [[1.0, 2.0], [3.0, -1.0]]
    layer.params["b"][...] = [0.5, -0.5]
    out = layer.forward(np.array([[1.0, 1.0], [2.0, 0.0]]))
    # unit 0: 1*x1 + 2*x2 + 0.5 ; unit 1: 3*x1 - 1*x2 - 0.5
    np.testing.assert_allclose(out, [[3.5, 1.5], [2.5, 5.5]])


def test_activation_values_match_their_formulas():
    z = np.array([[-800.0, -2.0, 0.0, 1.5, 800.0]])
    np.testing.assert_allclose(layers.Sigmoid().forward(z), 1 / (1 + np.exp(-np.clip(z, -700, 700))), atol=1e-300)
    np.testing.assert_allclose(layers.ReLU().forward(z), [[0, 0, 0, 1.5, 800]])
    np.testing.assert_allclose(layers.LeakyReLU(0.1).forward(z), [[-80, -0.2, 0, 1.5, 800]])
    np.testing.assert_allclose(layers.Tanh().forward(z)[0, 1], np.tanh(-2.0))
    p = layers.Softmax().forward(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]))
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(p, [e / e.sum(), [1 / 3] * 3])


def test_relu_and_leaky_relu_take_the_left_slope_at_the_kink():
    # At z = 0 neither function has a derivative; both take the slope of the side z < 0, as
    # PyTorch's backward does (relu: 0, leaky_relu: its negative slope). Either side is flat.
    z = np.array([[-2.0, 0.0, 3.0]])
    relu, leaky = layers.ReLU(), layers.LeakyReLU(0.1)
    relu.forward(z)
    leaky.forward(z)
    np.testing.assert_array_equal(relu.df(), [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(leaky.df(), [[0.1, 0.1, 1.0]])
    np.testing.assert_array_equal(leaky.backward(np.ones((1, 3))), [[0.1, 0.1, 1.0]])


def test_sigmoid_of_huge_inputs_is_finite_without_warnings():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = layers.Sigmoid().forward(np.array([[-1e5, 1e5]]))
    assert np.all(np.isfinite(a))


def test_relu_derivative_at_zero_is_zero():
    relu = layers.ReLU()
    relu.forward(np.array([[0.0, 1.0, -1.0]]))
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), [[0.0, 1.0, 0.0]])


def test_gradients_accumulate_for_a_layer_used_twice():
    """Weight sharing: one Dense applied to two inputs gets the sum of both gradients."""
    layer = layers.Dense(4, 3, seed=0)
    x1, x2 = X[:3].copy(), X[3:].copy()

    def f():
        return np.sum(layer.forward(x1) ** 2) + np.sum(layer.forward(x2) ** 2)

    layer.zero_grad()
    layer.backward(2 * layer.forward(x1))
    layer.backward(2 * layer.forward(x2))
    for name in ("W", "b"):
        numeric = numerical_gradient(f, layer.params[name])
        assert relative_error(layer.grads[name], numeric) < 1e-7


def test_reused_input_feeding_two_layers_adds_both_contributions():
    """x feeds two layers whose outputs are summed: dL/dx is the sum of the two backward results."""
    a, b = layers.Dense(4, 2, seed=1), layers.Dense(4, 2, seed=2)
    x = X.copy()
    g = RNG.normal(size=(6, 2))

    def f():
        return np.sum((a.forward(x) + np.tanh(b.forward(x))) * g)

    a.forward(x), b.forward(x)
    t = layers.Tanh()
    t.forward(b.forward(x))
    grad_x = a.backward(g) + b.backward(t.backward(g))
    assert relative_error(grad_x, numerical_gradient(f, x)) < 1e-7


def test_dense_rejects_wrong_input_width():
    with pytest.raises(ValueError, match=r"expects input of shape \(n, 4\)"):
        layers.Dense(4, 3).forward(np.ones((2, 5)))


def test_repr_shows_the_architecture():
    assert repr(layers.Dense(4, 3)) == "Dense(4, 3)"
    assert repr(layers.LeakyReLU(0.2)) == "LeakyReLU(alpha=0.2)"
