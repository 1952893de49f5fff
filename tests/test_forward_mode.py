"""Tests of nbtools.forward_mode: dual numbers, Jacobians both ways, Hessians, timing, the slider.

Expected values come from outside the code under test: derivatives worked out by hand in the
test, central finite differences of the math module's functions, numpy, and (where installed)
PyTorch as an independent oracle.
"""
import math

import numpy as np
import pytest

from nbtools import autograd_nn, losses, nn
from nbtools.autograd import Value
from nbtools.forward_mode import (Dual, forward_backward_seconds, gradient, gradient_costs,
                                  hessian_fd, jacobian_forward, jacobian_reverse, jvp, mlp_loss,
                                  n_params, value_gradients)

H = 1e-6


def central(f, x, h=H):
    return (f(x + h) - f(x - h)) / (2 * h)


# ---- Dual: every operation against finite differences of plain-float formulas ------------------

UNARY = {  # name: (Dual expression, the same with floats)
    "x + 2": (lambda d: d + 2, lambda x: x + 2),
    "2 + x": (lambda d: 2 + d, lambda x: 2 + x),
    "x - 2": (lambda d: d - 2, lambda x: x - 2),
    "2 - x": (lambda d: 2 - d, lambda x: 2 - x),
    "3 * x": (lambda d: 3 * d, lambda x: 3 * x),
    "x / 3": (lambda d: d / 3, lambda x: x / 3),
    "3 / x": (lambda d: 3 / d, lambda x: 3 / x),
    "-x": (lambda d: -d, lambda x: -x),
    "x ** 3": (lambda d: d ** 3, lambda x: x ** 3),
    "x ** 2.5": (lambda d: d ** 2.5, lambda x: x ** 2.5),
    "x ** -1": (lambda d: d ** -1, lambda x: x ** -1),
    "exp": (lambda d: d.exp(), math.exp),
    "log": (lambda d: d.log(), math.log),
    "tanh": (lambda d: d.tanh(), math.tanh),
    "sigmoid": (lambda d: d.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "relu": (lambda d: d.relu(), lambda x: max(x, 0.0)),
    "np.float64 * x": (lambda d: np.float64(1.5) * d, lambda x: 1.5 * x),
    "x * x": (lambda d: d * d, lambda x: x * x),
    "x / x**2": (lambda d: d / (d * d), lambda x: x / (x * x)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [0.7, 1.9])
def test_dual_derivative_matches_finite_differences(name, x):
    dual_f, float_f = UNARY[name]
    out = dual_f(Dual(x, 1.0))
    assert out.val == pytest.approx(float_f(x), rel=1e-12)
    assert out.dot == pytest.approx(central(float_f, x), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "exp", "3 / x", "x ** 2.5"])
def test_dual_uses_the_same_local_derivative_as_value(name):
    dual_f, _ = UNARY[name]
    v = Value(1.3)
    value_f = {"tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(),
               "relu": lambda a: a.relu(), "exp": lambda a: a.exp(),
               "3 / x": lambda a: 3 / a, "x ** 2.5": lambda a: a ** 2.5}[name]
    value_f(v).backward()
    assert dual_f(Dual(1.3, 1.0)).dot == pytest.approx(v.grad, rel=1e-14)


def test_product_and_quotient_rules_by_hand():
    a, b = Dual(3.0, 1.0), Dual(4.0, 2.0)           # a' = 1, b' = 2
    assert ((a * b).val, (a * b).dot) == (12.0, 1 * 4 + 3 * 2)
    q = a / b                                       # (a'b - ab') / b^2 = (4 - 6) / 16
    assert (q.val, q.dot) == (0.75, -0.125)
    s = a - b
    assert (s.val, s.dot) == (-1.0, -1.0)


def test_relu_kink_and_sides():
    assert Dual(0.0, 1.0).relu().dot == 0.0          # the convention at the kink, like Value
    assert Dual(2.0, 5.0).relu().dot == 5.0
    assert Dual(-2.0, 5.0).relu().dot == 0.0
    assert Dual(-2.0, 5.0).relu().val == 0.0


def test_sigmoid_does_not_overflow():
    assert Dual(-1000.0, 1.0).sigmoid().val == 0.0
    assert Dual(1000.0, 1.0).sigmoid().val == 1.0


def test_dual_errors_explain():
    with pytest.raises(TypeError, match="real number"):
        Dual("1.0")
    with pytest.raises(TypeError, match="real number"):
        Dual(True)
    with pytest.raises(TypeError, match="Dual or a real number"):
        Dual(1.0) + "x"
    with pytest.raises(TypeError, match="exponent must be a number"):
        Dual(2.0) ** Dual(2.0)
    with pytest.raises(ValueError, match="positive"):
        Dual(0.0).log()
    with pytest.raises(ValueError, match="non-integer power"):
        Dual(-2.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Dual(1.0) / Dual(0.0)
    with pytest.raises(ZeroDivisionError):
        1.0 / Dual(0.0)
    with pytest.raises(ZeroDivisionError):
        Dual(1.0) / 0
    with pytest.raises(TypeError, match=r"Dual\(dot\) needs a real number"):
        Dual(1.0, None)


def test_dual_stores_plain_floats():
    d = Dual(np.float32(0.5), 2) * np.int64(3)
    assert (d.val, d.dot) == (1.5, 6.0)
    assert type(d.val) is float and type(d.dot) is float


def test_repr():
    assert repr(Dual(2.0, -1.5)) == "Dual(val=2, dot=-1.5)"


# ---- Jacobians -------------------------------------------------------------------------------

def f_23(x):
    """R^3 -> R^2 with J = [[x2, x1, 1 - tanh^2 x3], [e x2, e, -e x2]], e = exp(x1 - x3)."""
    return [x[0] * x[1] + x[2].tanh(), (x[0] - x[2]).exp() * x[1]]


def J_23(x):
    e = math.exp(x[0] - x[2])
    return np.array([[x[1], x[0], 1 - math.tanh(x[2]) ** 2], [e * x[1], e, -e * x[1]]])


def test_jvp_gives_one_column_and_the_values():
    values, tangent = jvp(f_23, [1.0, 2.0, 0.5], [0.0, 1.0, 0.0])
    assert values == pytest.approx([2.0 + math.tanh(0.5), math.exp(0.5) * 2.0])
    assert tangent == pytest.approx(J_23([1.0, 2.0, 0.5])[:, 1])
    _, along = jvp(f_23, [1.0, 2.0, 0.5], [1.0, -1.0, 2.0])   # any direction: J v
    assert along == pytest.approx(J_23([1.0, 2.0, 0.5]) @ [1.0, -1.0, 2.0])


@pytest.mark.parametrize("x", [[1.0, 2.0, 0.5], [-0.3, 0.7, 1.1]])
def test_both_modes_give_the_hand_derived_jacobian_and_count_passes(x):
    fwd, rev = jacobian_forward(f_23, x), jacobian_reverse(f_23, x)
    np.testing.assert_allclose(fwd.J, J_23(x), rtol=1e-12)
    np.testing.assert_allclose(rev.J, J_23(x), rtol=1e-12)
    assert (fwd.forward_passes, fwd.backward_passes) == (3, 0)
    assert (rev.forward_passes, rev.backward_passes) == (1, 2)
    assert "forward_passes=3" in repr(fwd)


def test_reverse_rows_do_not_leak_into_each_other():
    """Outputs that share nodes: each row must start from zero gradients."""
    f = lambda x: [x[0] * x[1], x[0] * x[1] + x[1], x[1]]     # rows [x1, x0], [x1, x0 + 1], [0, 1]
    J = jacobian_reverse(f, [2.0, 5.0]).J
    np.testing.assert_array_equal(J, [[5.0, 2.0], [5.0, 3.0], [0.0, 1.0]])


def test_constant_output_and_unused_input():
    f = lambda x: [x[0] * 2.0, 7.0]                  # x[1] unused; the second output is constant
    rev, fwd = jacobian_reverse(f, [1.0, 1.0]), jacobian_forward(f, [1.0, 1.0])
    np.testing.assert_array_equal(rev.J, [[2.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(fwd.J, rev.J)
    assert rev.backward_passes == 1                  # no pass for the constant


def test_tanh_layer_jacobian_against_numpy():
    rng = np.random.default_rng(3)
    W, x = rng.normal(size=(4, 6)), rng.normal(size=6)
    f = lambda v: [sum((w * v_j for w, v_j in zip(row, v)), 0.0).tanh() for row in W.tolist()]
    expected = (1 - np.tanh(W @ x) ** 2)[:, None] * W  # diag(tanh'(Wx)) W
    fwd, rev = jacobian_forward(f, x), jacobian_reverse(f, x)
    np.testing.assert_allclose(fwd.J, expected, rtol=1e-10)
    np.testing.assert_allclose(rev.J, expected, rtol=1e-10)
    assert (fwd.forward_passes, rev.backward_passes) == (6, 4)


def test_jacobian_input_checks():
    with pytest.raises(ValueError, match="at least one"):
        jacobian_forward(f_23, [])
    with pytest.raises(ValueError, match="1-D"):
        jacobian_reverse(f_23, [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="shape of x"):
        jvp(f_23, [1.0, 2.0, 0.5], [1.0, 0.0])
    with pytest.raises(TypeError, match="must return"):
        jacobian_reverse(lambda x: "nonsense", [1.0])
    with pytest.raises(TypeError, match="must return"):
        jacobian_forward(lambda x: [x[0], "nonsense"], [1.0])


# ---- gradient and Hessian --------------------------------------------------------------------

def test_gradient_by_hand():
    value, g = gradient(lambda p: p[0] * p[0] * p[1], [3.0, 2.0])   # x^2 y
    assert value == 18.0
    np.testing.assert_array_equal(g, [12.0, 9.0])                    # (2xy, x^2)
    assert gradient(lambda p: 4.0, [1.0, 2.0])[1].tolist() == [0.0, 0.0]
    with pytest.raises(TypeError, match="jacobian_reverse"):
        gradient(lambda p: [p[0], p[1]], [1.0, 2.0])


def test_hessian_of_a_quadratic_is_its_matrix():
    A = np.array([[2.0, -1.0, 0.5], [-1.0, 3.0, 0.0], [0.5, 0.0, 1.0]])
    b = np.array([1.0, -2.0, 0.5])

    def f(x):   # 1/2 x^T A x + b^T x, written with Values
        return sum((0.5 * A[i, j] * x[i] * x[j] for i in range(3) for j in range(3)), 0.0) + \
            sum((b[i] * x[i] for i in range(3)), 0.0)

    np.testing.assert_allclose(hessian_fd(f, [0.3, -1.0, 2.0]), A, atol=1e-7)


@pytest.mark.parametrize("x, y", [(0.5, -1.0), (1.2, 0.4)])
def test_hessian_against_the_analytic_one(x, y):
    f = lambda p: p[0] ** 2 * p[1] + (p[0] * p[1]).exp()   # x^2 y + e^{xy}
    e = math.exp(x * y)
    expected = np.array([[2 * y + y * y * e, 2 * x + (1 + x * y) * e],
                         [2 * x + (1 + x * y) * e, x * x * e]])
    H_fd = hessian_fd(f, [x, y])
    np.testing.assert_allclose(H_fd, expected, rtol=1e-7, atol=1e-8)
    assert np.abs(H_fd - H_fd.T).max() < 1e-8


def test_hessian_against_torch():
    torch = pytest.importorskip("torch")
    point = [0.4, -0.8, 1.1]

    def f(x):
        return (x[0] * x[1]).tanh() + (x[2] * x[0]).sigmoid() * x[1] + (x[2] ** 2 + 1.0).log()

    def f_torch(t):
        return torch.tanh(t[0] * t[1]) + torch.sigmoid(t[2] * t[0]) * t[1] + torch.log(t[2] ** 2 + 1)

    expected = torch.autograd.functional.hessian(f_torch, torch.tensor(point, dtype=torch.float64))
    np.testing.assert_allclose(hessian_fd(f, point), expected.numpy(), rtol=1e-6, atol=1e-8)


def test_hessian_rejects_bad_step():
    with pytest.raises(ValueError):
        hessian_fd(lambda p: p[0] * p[0], [1.0], h=0.0)


# ---- the chapter's network as a function of its parameters -------------------------------------

def test_n_params_by_hand():
    assert n_params([2, 4, 2, 1]) == 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1 == 25


def numpy_bce(theta, X, ys, sizes, eps=1e-8):
    """The same network and loss with numpy, unpacking theta independently."""
    a, k = X, 0
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = theta[k:k + n_in * n_out].reshape(n_out, n_in)
        k += n_in * n_out
        b = theta[k:k + n_out]
        k += n_out
        z = a @ W.T + b
        a = 1 / (1 + np.exp(-z)) if l == len(sizes) - 2 else np.maximum(z, 0)
    p = a[:, 0]
    return -np.mean(ys * np.log(p + eps) + (1 - ys) * np.log(1 - p + eps))


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(12, 2)), (rng.random(12) > 0.5).astype(float)


def test_mlp_loss_matches_numpy_and_the_chapter_network(batch):
    X, ys = batch
    sizes = [2, 4, 2, 1]
    model = autograd_nn.NeuralNetwork(2, [4, 2, 1], seed=1)
    theta = np.concatenate([arr.ravel() for W, b in model.get_weights() for arr in (W, b)])
    value = mlp_loss([Value(t) for t in theta], X, ys, sizes).data
    assert value == pytest.approx(numpy_bce(theta, X, ys, sizes), rel=1e-12)
    assert value == model.loss(X.tolist(), ys.tolist()).data      # same order of operations


def test_mlp_loss_gradient_both_modes_against_finite_differences(batch):
    X, ys = batch
    sizes = [2, 3, 1]
    theta = np.random.default_rng(2).uniform(-1, 1, n_params(sizes))
    loss = lambda th: mlp_loss(th, X, ys, sizes)
    numeric = np.array([central(lambda t: numpy_bce(np.where(np.arange(theta.size) == i, t, theta),
                                                     X, ys, sizes), theta[i])
                        for i in range(theta.size)])
    np.testing.assert_allclose(gradient(loss, theta)[1], numeric, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(jacobian_forward(loss, theta).J[0], numeric, rtol=1e-5, atol=1e-8)


def test_mlp_loss_checks_its_arguments(batch):
    X, ys = batch
    with pytest.raises(ValueError, match="25 parameters"):
        mlp_loss(np.zeros(24), X, ys, [2, 4, 2, 1])
    with pytest.raises(ValueError, match="one sigmoid output"):
        mlp_loss(np.zeros(9), X, ys, [2, 2, 2])


def test_value_gradients_equal_the_numpy_network(batch):
    X, ys = batch
    model = autograd_nn.NeuralNetwork(2, [4, 2, 1], seed=0)
    mlp = nn.MLP([2, 4, 2, 1], hidden="relu", output="sigmoid")
    mlp.set_weights([arr for W, b in model.get_weights() for arr in (W, b)])
    loss = model.loss(X.tolist(), ys.tolist(), eps=0.0)
    model.zero_grad()
    loss.backward()
    bce = losses.BinaryCrossEntropy()
    bce(mlp.forward(X), ys.astype(int))
    mlp.zero_grad()
    mlp.backward(bce.backward())
    ours = value_gradients(model)
    assert [g.shape for g in ours] == [(4, 2), (4,), (2, 4), (2,), (1, 2), (1,)]
    for a, b in zip(ours, mlp.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


# ---- timing ---------------------------------------------------------------------------------

def test_forward_backward_seconds_calls_both_with_the_forward_result():
    calls = []
    t_f, t_b = forward_backward_seconds(lambda: calls.append("f") or len(calls),
                                        lambda out: calls.append(("b", out)), repeats=3)
    assert calls == ["f", ("b", 1), "f", ("b", 3), "f", ("b", 5)]
    assert t_f >= 0 and t_b >= 0
    with pytest.raises(ValueError):
        forward_backward_seconds(lambda: None, lambda out: None, repeats=0)


def test_gradient_costs(batch):
    X, ys = batch
    costs = gradient_costs([1, 3], X[:5], ys[:5], repeats=1)
    assert costs["n_params"].tolist() == [5, 13]            # 4h + 1 for [2, h, 1]
    assert np.all(costs["max_difference"] < 1e-12)
    for key in ("forward_pass", "reverse", "forward_mode"):
        assert costs[key].shape == (2,) and np.all(costs[key] > 0)
