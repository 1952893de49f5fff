"""The gradient checker itself must catch wrong gradients, not only bless right ones."""
import numpy as np
import pytest

from nbtools import blocks, layers
from nbtools.gradcheck import check_layer, numerical_gradient, parameter_names, relative_error
from nbtools.nn import MLP


def test_numerical_gradient_of_known_functions():
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), rtol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda: np.prod(x), x), [x[1] * x[2], x[0] * x[2], x[0] * x[1]])
    np.testing.assert_array_equal(x, [0.3, -1.2, 2.0])  # restored after perturbation


def test_reused_node_case():
    """b = a + a; c = b + b, so dc/da = 4: a checker that sees only one path would say 1 or 2."""
    a = np.array([1.5])

    def c():
        b = a + a
        return (b + b)[0]

    assert numerical_gradient(c, a)[0] == pytest.approx(4.0)


def test_relative_error_scale():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error([1e-20], [0.0]) < 1e-7  # tiny absolute differences are not flagged
    # over a whole array: one exact zero beside rounding noise does not dominate
    assert relative_error([1.0, 0.0], [1.0, 1e-10]) < 1e-9


class BrokenDense(layers.Dense):
    """A classic bug: assigning the weight gradient instead of accumulating, and a missing transpose."""

    def backward(self, grad_out):
        self.grads["W"] = grad_out.T @ self.x * 2
        self.grads["b"] += grad_out.sum(axis=0)
        return grad_out @ self.params["W"]


def test_a_wrong_backward_is_caught():
    errors = check_layer(BrokenDense(3, 2, seed=0), np.random.default_rng(0).normal(size=(4, 3)))
    assert errors["W"] > 0.1
    assert errors["b"] < 1e-7 and errors["x"] < 1e-7


def test_type_error_for_non_float_input():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: v.sum(), np.array([1, 2]))


def test_parameter_names_follow_the_parameters_of_the_network():
    assert parameter_names(MLP([2, 3, 4, 1])) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    net = blocks.deep_net(depth=1, width=3, batchnorm=True)   # Dense, BatchNorm, Tanh, Dense, Sigmoid
    assert parameter_names(net) == ["W1", "b1", "gamma2", "beta2", "W4", "b4"]
    assert [p.shape for p in net.parameters()] == [(3, 2), (3,), (3,), (3,), (1, 3), (1,)]
