"""Bad input at gradcheck and the scalar autograd engine, and their numbers at the edges."""
import numpy as np
import pytest

from nbtools import autograd, autograd_nn, forward_mode, gradcheck


@pytest.mark.parametrize("h, error", [(0, ValueError), (-1e-6, ValueError), (np.nan, ValueError), ("1e-6", TypeError)])
def test_numerical_gradient_checks_h(h, error):
    # before: h=0 gave a ZeroDivisionError
    with pytest.raises(error, match="h must be"):
        gradcheck.numerical_gradient(lambda v: v.sum(), np.ones(2), h=h)


@pytest.mark.parametrize("f, got", [(lambda v: v * 2, r"ndarray of shape \(2,\)"), (lambda v: None, "NoneType"),
                                    (lambda v: autograd.Value(1.0), "Value")])
def test_numerical_gradient_needs_f_to_return_one_number(f, got):
    with pytest.raises(TypeError, match=rf"f must return one number \(the loss\), got {got}"):
        gradcheck.numerical_gradient(f, np.ones(2))


def test_numerical_gradient_checks_f_is_a_function():
    with pytest.raises(TypeError, match="f must be a function"):
        gradcheck.numerical_gradient(np.ones(2), np.ones(2))


def test_numerical_gradient_still_takes_numpy_scalars_and_0_d_arrays():
    x = np.array([1.0, 2.0])
    g = gradcheck.numerical_gradient(lambda v: np.asarray(np.sum(v**2)), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)


@pytest.mark.parametrize("a, b, want", [([1e200], [2e200], 1 / 3), ([1e-300], [3e-300], 0.0),
                                        ([3.0, 4.0], [3.0, 4.0], 0.0), ([1e308, 0.0], [0.0, 1e308], 2**0.5 / 2)])
def test_relative_error_at_the_edges_of_float64(a, b, want):
    # before: relative_error([1e200], [2e200]) was NaN (the squares overflowed)
    assert gradcheck.relative_error(a, b) == pytest.approx(want, abs=1e-15)


def test_value_power_overflow_explains_itself():
    # before: a bare OverflowError (34, 'Numerical result out of range')
    with pytest.raises(OverflowError, match=r"10\.0 \*\* 400\.0 is too large for a float.*learning rate"):
        autograd.Value(10) ** 400
    with pytest.raises(OverflowError, match=r"2\.0 \*\* 2000\.0 is too large"):
        2 ** autograd.Value(2000)


@pytest.mark.parametrize("nin, nouts, match", [(None, [1], "nin must be an integer"),
                                               (2, None, "nouts must be a non-empty list")])
def test_neural_network_checks_its_sizes(nin, nouts, match):
    with pytest.raises(TypeError, match=match):
        autograd_nn.NeuralNetwork(nin, nouts)


def test_autograd_train_on_empty_data_says_so():
    # before: ZeroDivisionError
    with pytest.raises(ValueError, match=r"X has no rows \(shape \(0, 2\)\)"):
        autograd_nn.train(autograd_nn.NeuralNetwork(2, [1]), np.zeros((0, 2)), [], n_epochs=1, verbose=False)


@pytest.mark.parametrize("make", [lambda: forward_mode.Dual(10.0) ** 400, lambda: forward_mode.Dual(1000.0).exp()],
                         ids=["power", "exp"])
def test_dual_overflow_explains_itself_like_value(make):
    with pytest.raises(OverflowError, match="too large for a float.*lower the learning rate"):
        make()


@pytest.mark.parametrize("call", [lambda x: autograd_nn.NeuralNetwork(2, [1])(x), lambda x: autograd_nn.Neuron(2)(x)],
                         ids=["NeuralNetwork", "Neuron"])
def test_one_sample_must_be_a_list_of_numbers(call):
    # before: "object of type 'NoneType' has no len()"
    with pytest.raises(TypeError, match="takes one sample, a list of 2 numbers, got NoneType"):
        call(None)
    with pytest.raises(ValueError, match="takes one sample of 2 numbers, got 3"):
        call([1.0, 2.0, 3.0])
