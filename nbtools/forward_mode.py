"""Forward-mode automatic differentiation with dual numbers, next to the reverse mode of ``Value``.

A function f: R^n -> R^m has an m x n Jacobian J, [J]_ij = d f_i / d x_j. Automatic
differentiation never builds J entry by entry; it computes products with it:

- **forward mode** pushes a direction v of the *inputs* through the computation, together with the
  values, and returns ``J v`` (a Jacobian-vector product). Every number a travels with its
  derivative a' along v, as a ``Dual(a, a')``; each operation applies the chain rule forwards,
  ``out' = f'(a) * a'``. One pass gives one column of J (v = a unit vector), so the whole
  Jacobian takes **n** passes.
- **reverse mode** (``autograd.Value``) runs the computation once, keeping the graph, then pulls
  a weight vector u of the *outputs* backwards and returns ``u^T J`` (a vector-Jacobian product).
  One backward pass gives one row of J, so the whole Jacobian takes **m** backward passes.

Both use the same local derivative f'(a) of each operation; only the direction of the products
differs. A loss has m = 1 output and n = (number of parameters) inputs, which is why training
uses reverse mode.

What is here:

- ``Dual`` and ``jvp``; ``jacobian_forward`` and ``jacobian_reverse`` (they count their passes);
  ``gradient`` (reverse mode) and ``hessian_fd`` (finite differences of gradients).
- ``mlp_loss``: the chapter's network and cross-entropy loss as one function of a flat parameter
  vector, computed with ``Dual``s or with ``Value``s, so that both modes can differentiate
  it; ``value_gradients`` reads the gradients of an ``autograd_nn.NeuralNetwork`` in the layout of
  ``nn.MLP.gradients()``.
- Timing: ``forward_backward_seconds`` and ``gradient_costs``.

Longer than 400 lines because these are one comparison, the two modes on the same functions,
best read side by side; each section stands alone.

Example
-------
>>> d = Dual(3.0, 1.0) ** 2          # x = 3 with x' = 1:  (x^2)' = 2x = 6
>>> d.val, d.dot
(9.0, 6.0)
"""
import math
import numbers
import statistics
import timeit

import numpy as np

from ._checks import as_float_array, as_labels, check_number, make_rng
from .autograd import Value, exp, power, sigmoid, topological_order


def _constant(x, op):
    """A plain number operand as a float, or a TypeError that says what to pass instead."""
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"Cannot compute Dual {op} {type(x).__name__}: the other operand must be a "
                    f"Dual or a real number, got {x!r}.")


def _real(x, name):
    """``val`` and ``dot`` of a Dual are real numbers: ``x`` as a float, or a TypeError."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"Dual({name}) needs a real number (int or float), got {x!r} of type "
                        f"{type(x).__name__}.")
    return float(x)


class Dual:
    """A number ``val`` together with its derivative ``dot`` along one direction of the inputs.

    Think of it as val + dot * eps with eps * eps = 0: then
    (a + a' eps)(b + b' eps) = ab + (a' b + a b') eps, the product rule, and every other operation
    likewise carries its derivative along. Python numbers are constants (derivative 0).

    Operations: ``+ - * /``, ``** p`` for a number p, ``-x``, ``exp``, ``log``, ``tanh``,
    ``sigmoid``, ``relu``: the same as ``autograd.Value``, with the same local derivatives
    (ReLU's derivative at 0 is taken to be 0 here too).

    Example
    -------
    >>> x = Dual(0.0, 1.0)                # seed: dx/dx = 1
    >>> y = (x * 2.0).tanh()              # dy/dx = 2 (1 - tanh(0)^2) = 2
    >>> y.dot
    2.0
    """

    __slots__ = ("val", "dot")
    __array_ufunc__ = None  # numpy defers to Dual: np.float64(2) * d calls d.__rmul__

    def __init__(self, val, dot=0.0):
        if not type(val) is type(dot) is float:  # quick when both are floats, as operations pass
            val, dot = _real(val, "val"), _real(dot, "dot")
        self.val, self.dot = val, dot

    # ---- two inputs: out' = (d out / d a) a' + (d out / d b) b' ----

    def __add__(self, other):
        if isinstance(other, Dual):
            return Dual(self.val + other.val, self.dot + other.dot)
        return Dual(self.val + _constant(other, "+"), self.dot)

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, Dual):
            return Dual(self.val - other.val, self.dot - other.dot)
        return Dual(self.val - _constant(other, "-"), self.dot)

    def __rsub__(self, other):
        return Dual(_constant(other, "-") - self.val, -self.dot)

    def __neg__(self):
        return Dual(-self.val, -self.dot)

    def __mul__(self, other):
        if isinstance(other, Dual):   # the product rule
            return Dual(self.val * other.val, self.dot * other.val + self.val * other.dot)
        c = _constant(other, "*")
        return Dual(self.val * c, self.dot * c)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Dual):   # (a/b)' = a'/b - a b'/b^2
            if other.val == 0.0:
                raise ZeroDivisionError(f"Division by a Dual holding 0.0 ({self.val} / 0.0).")
            return Dual(self.val / other.val,
                        self.dot / other.val - self.val * other.dot / other.val ** 2)
        c = _constant(other, "/")
        if c == 0.0:
            raise ZeroDivisionError(f"Division of a Dual by the number 0 ({self.val} / 0).")
        return Dual(self.val / c, self.dot / c)

    def __rtruediv__(self, other):
        c = _constant(other, "/")
        if self.val == 0.0:
            raise ZeroDivisionError(f"Division of {c} by a Dual holding 0.0.")
        return Dual(c / self.val, -c * self.dot / self.val ** 2)

    def __pow__(self, p):
        if isinstance(p, Dual):
            raise TypeError("Dual ** Dual is not supported: the exponent must be a number. For a "
                            "Dual exponent y write (y * x.log()).exp(), which equals x ** y for x > 0.")
        out, da = power(self.val, _constant(p, "**"), "Dual")
        return Dual(out, da * self.dot)

    # ---- one input: out' = f'(a) a', the same f'(a) as Value's local derivative ----

    def exp(self):
        out = exp(self.val)
        return Dual(out, out * self.dot)

    def log(self):
        if self.val <= 0.0:
            raise ValueError(f"log is defined only for positive numbers, got log({self.val}).")
        return Dual(math.log(self.val), self.dot / self.val)

    def tanh(self):
        t = math.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.dot)

    def sigmoid(self):
        s = sigmoid(self.val)
        return Dual(s, s * (1.0 - s) * self.dot)

    def relu(self):
        a = self.val
        return Dual(0.0 if a < 0.0 else a, self.dot if a > 0.0 else 0.0)

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, dot={self.dot:.6g})"


# ---------------------------------------------------------------------------------------------
# Jacobians, one pass at a time
# ---------------------------------------------------------------------------------------------

class Jacobian:
    """The result of ``jacobian_forward`` / ``jacobian_reverse``: the matrix and the passes it took.

    Attributes: ``J`` (m, n) array; ``forward_passes`` and ``backward_passes``, ints.
    """

    def __init__(self, J, forward_passes, backward_passes):
        self.J, self.forward_passes, self.backward_passes = J, forward_passes, backward_passes

    def __repr__(self):
        return (f"Jacobian(shape={self.J.shape}, forward_passes={self.forward_passes}, "
                f"backward_passes={self.backward_passes})")


def _point(x, name="x"):
    x = as_float_array(x, name, ndim=1)
    if x.size == 0:
        raise ValueError(f"{name} must hold at least one number, got an empty array.")
    return x


def _outputs(out, kind):
    """f's result as a list of outputs (a single output becomes a list of one)."""
    if isinstance(out, (kind, numbers.Real)):
        return [out]
    if isinstance(out, (list, tuple)) and len(out) > 0:
        for o in out:
            if not isinstance(o, (kind, numbers.Real)):
                raise TypeError(f"f must return {kind.__name__}s or numbers (one or a list), got "
                                f"an element of type {type(o).__name__}.")
        return list(out)
    raise TypeError(f"f must return a {kind.__name__} or a non-empty list of them, got "
                    f"{type(out).__name__}.")


def jvp(f, x, v):
    """One forward-mode pass: ``(f(x), J v)`` as two arrays of shape (m,).

    ``f`` takes a list of n numbers (it receives ``Dual``s) and returns one number or a list of m.
    ``v`` (shape (n,)) is the direction: each input x_j starts as ``Dual(x_j, v_j)``.

    Example
    -------
    >>> f = lambda x: [x[0] * x[1], x[0] + 3.0 * x[1]]
    >>> jvp(f, [2.0, 5.0], [1.0, 0.0])[1]      # column 1 of J = [[x1, x0], [1, 3]]
    array([5., 1.])
    """
    x, v = _point(x), _point(v, "v")
    if v.shape != x.shape:
        raise ValueError(f"v must have the shape of x, {x.shape}, got {v.shape}.")
    outs = _outputs(f([Dual(xi, vi) for xi, vi in zip(x.tolist(), v.tolist())]), Dual)
    values = np.array([o.val if isinstance(o, Dual) else float(o) for o in outs])
    tangents = np.array([o.dot if isinstance(o, Dual) else 0.0 for o in outs])
    return values, tangents


def jacobian_forward(f, x):
    """The Jacobian of ``f`` at ``x`` by forward mode: one pass per input (column by column)."""
    x = _point(x)
    columns, passes = [], 0
    for j in range(x.size):
        e_j = np.zeros(x.size)
        e_j[j] = 1.0
        columns.append(jvp(f, x, e_j)[1])
        passes += 1
    return Jacobian(np.column_stack(columns), forward_passes=passes, backward_passes=0)


def jacobian_reverse(f, x):
    """The Jacobian of ``f`` at ``x`` by reverse mode: one forward pass that builds the graph,
    then one backward pass per output (row by row), zeroing every gradient in between.

    ``f`` takes a list of n numbers (it receives ``Value``s) and returns one or a list of m.
    """
    x = _point(x)
    inputs = [Value(xi) for xi in x.tolist()]
    outs = _outputs(f(inputs), Value)
    nodes = {v for out in outs if isinstance(out, Value) for v in topological_order(out)}
    nodes.update(inputs)
    rows, backward_passes = [], 0
    for out in outs:
        for v in nodes:
            v.grad = 0.0
        if isinstance(out, Value):   # a constant output has a zero row and needs no pass
            out.backward()
            backward_passes += 1
        rows.append([v.grad for v in inputs])
    return Jacobian(np.array(rows), forward_passes=1, backward_passes=backward_passes)


def gradient(f, x):
    """``(f(x), grad f(x))`` of a scalar function by reverse mode (one forward, one backward pass).

    Example
    -------
    >>> value, g = gradient(lambda p: p[0] * p[0] * p[1], [3.0, 2.0])   # x^2 y
    >>> value, g.tolist()                                                # (2xy, x^2)
    (18.0, [12.0, 9.0])
    """
    x = _point(x)
    inputs = [Value(xi) for xi in x.tolist()]
    out = f(inputs)
    if isinstance(out, Value):
        out.backward()
        return out.data, np.array([v.grad for v in inputs])
    if isinstance(out, numbers.Real):
        return float(out), np.zeros(x.size)
    raise TypeError(f"f must return one Value (a scalar), got {type(out).__name__}. For several "
                    f"outputs use jacobian_reverse.")


def hessian_fd(f, x, h=1e-5):
    """The Hessian of a scalar ``f`` at ``x``: central differences of reverse-mode gradients.

    Column j is (grad f(x + h e_j) - grad f(x - h e_j)) / (2 h), the change of the gradient when
    x_j moves: 2n gradients (2n forward and 2n backward passes) for an n x n matrix. The result
    is not symmetrized, so its asymmetry shows the size of the finite-difference error (about
    h^2 and 1e-16 / h; h = 1e-5 balances them near 1e-10).
    """
    x = _point(x)
    h = check_number(h, "h", low=0.0, low_open=True)
    H = np.empty((x.size, x.size))
    for j in range(x.size):
        step = np.zeros(x.size)
        step[j] = h
        H[:, j] = (gradient(f, x + step)[1] - gradient(f, x - step)[1]) / (2.0 * h)
    return H


# ---------------------------------------------------------------------------------------------
# The chapter's network as a function of its parameters
# ---------------------------------------------------------------------------------------------

def n_params(sizes):
    """Weights and biases of a fully connected network: sum over layers of (n_in + 1) * n_out."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def mlp_loss(theta, X, ys, sizes, eps=1e-8):
    """The chapter's network and binary cross-entropy as one function of the parameters ``theta``.

    ``sizes`` = [n_in, hidden..., 1]: ReLU hidden layers and one sigmoid output, like
    ``autograd_nn.NeuralNetwork(sizes[0], sizes[1:])``. ``theta`` lists the parameters in the
    order of ``nn.MLP.parameters()``: W1 row by row (row j = the weights into unit j), b1, W2,
    b2, ... Its entries must be ``Dual``s or ``Value``s (plain floats have no ``relu`` or ``log``
    method). The arithmetic is done in the order ``autograd_nn.Neuron`` uses (bias first), so
    the numbers match that network exactly.

    L = -(1/n) sum_i [y_i log(yhat_i + eps) + (1 - y_i) log(1 - yhat_i + eps)], as in
    ``autograd_nn.bce_loss``.
    """
    sizes = [check_number(s, "each entry of sizes", low=1, integer=True) for s in sizes]
    if len(sizes) < 2 or sizes[-1] != 1:
        raise ValueError(f"sizes must be [n_in, hidden..., 1] (one sigmoid output), got {sizes}.")
    if len(theta) != n_params(sizes):
        raise ValueError(f"theta must hold {n_params(sizes)} parameters for sizes {sizes}, got "
                         f"{len(theta)}.")
    theta = list(theta.tolist() if isinstance(theta, np.ndarray) else theta)
    plain = [type(t).__name__ for t in theta if not isinstance(t, (Value, Dual))]
    if plain:
        raise TypeError(f"theta must hold Values or Duals (plain numbers have no relu or log), got "
                        f"{len(plain)} of type {plain[0]}; wrap them first, e.g. "
                        f"[Value(t) for t in theta], or call gradient(loss, theta).")
    layers, k = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = [theta[k + j * n_in:k + (j + 1) * n_in] for j in range(n_out)]
        k += n_in * n_out
        layers.append((W, theta[k:k + n_out]))
        k += n_out
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != sizes[0]:
        raise ValueError(f"X has {X.shape[1]} feature column(s) but sizes[0] = {sizes[0]}; X must "
                         f"have shape (n, {sizes[0]}), or sizes must start with {X.shape[1]}.")
    ys = as_labels(ys, "ys", n=len(X), n_classes=2).astype(np.float64).tolist()
    X = X.tolist()
    total = 0.0
    for x, y in zip(X, ys):
        a = x
        for l, (W, b) in enumerate(layers):
            out = []
            for w_row, b_j in zip(W, b):
                z = b_j
                for w, a_k in zip(w_row, a):
                    z = z + w * a_k
                out.append(z.sigmoid() if l == len(layers) - 1 else z.relu())
            a = out
        yhat = a[0]
        total = total + y * (yhat + eps).log() + (1 - y) * (1 - yhat + eps).log()
    return -total / len(X)


def value_gradients(model):
    """The gradients in an ``autograd_nn.NeuralNetwork`` after ``backward()``: [dW1, db1, dW2, ...].

    dW of shape (n_out, n_in) (row j = neuron j), db of shape (n_out,): the layout of
    ``nn.MLP.gradients()``, so the two engines can be compared array by array.
    """
    grads = []
    for layer in model.layers:
        grads.append(np.array([[w.grad for w in n.w] for n in layer.neurons]))
        grads.append(np.array([n.b.grad for n in layer.neurons]))
    return grads


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------

def forward_backward_seconds(forward, backward, repeats=11):
    """Median seconds of ``out = forward()`` and of ``backward(out)`` over ``repeats`` runs.

    Timed with ``timeit``, which switches Python's cycle collector off while it times, so the
    collector's occasional scans do not land in one pass or the other.
    """
    repeats = check_number(repeats, "repeats", low=1, integer=True)
    t_forward, t_backward, outs = [], [], []
    for _ in range(repeats):
        t_forward.append(timeit.timeit(lambda: outs.append(forward()), number=1))
        t_backward.append(timeit.timeit(lambda: backward(outs.pop()), number=1))
    return statistics.median(t_forward), statistics.median(t_backward)


def _median_seconds(fn, repeats):
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeats))


def gradient_costs(widths, X, ys, repeats=3, seed=0):
    """Time one gradient of ``mlp_loss`` for networks [2, h, 1], h in ``widths``, both ways.

    Returns a dict of arrays, one entry per width: ``n_params``; ``forward_pass`` (seconds to
    evaluate the loss once, building the ``Value`` graph); ``reverse`` (seconds for the gradient
    by reverse mode: one forward and one backward pass); ``forward_mode`` (seconds for the
    gradient by forward mode: one ``Dual`` pass per parameter); ``max_difference`` (largest
    difference between the two gradients, which should be rounding only).
    """
    X = as_float_array(X, "X", ndim=2)
    repeats = check_number(repeats, "repeats", low=1, integer=True)
    rng = make_rng(seed)
    result = {k: [] for k in ("n_params", "forward_pass", "reverse", "forward_mode",
                              "max_difference")}
    for h in widths:
        sizes = [X.shape[1], check_number(h, "each width", low=1, integer=True), 1]
        theta = rng.uniform(-1.0, 1.0, size=n_params(sizes))

        def loss(th):
            return mlp_loss(th, X, ys, sizes)

        by_reverse = jacobian_reverse(loss, theta).J[0]
        by_forward = jacobian_forward(loss, theta).J[0]
        result["n_params"].append(theta.size)
        result["forward_pass"].append(_median_seconds(lambda: loss([Value(t) for t in theta]),
                                                      repeats))
        result["reverse"].append(_median_seconds(lambda: gradient(loss, theta), repeats))
        result["forward_mode"].append(_median_seconds(lambda: jacobian_forward(loss, theta), 1))
        result["max_difference"].append(float(np.max(np.abs(by_reverse - by_forward))))
    return {k: np.array(v) for k, v in result.items()}
