"""Gradient checking: compare a hand-written backward pass with finite differences.

The central difference

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)

has an error of order h^2 plus rounding of order 1e-16 / h, so with h = 1e-6 in float64 a correct
gradient g agrees with the numerical one n to about 1e-8 or better in *relative error*
||g - n|| / (||g|| + ||n||), taken over a whole array (entry by entry, a gradient that is truly 0
would be compared with rounding noise). A wrong backward pass (a missing term, a transposed
matrix, an ``=`` that should be ``+=``) gives relative errors near 1.

Use ``numerical_gradient`` on any function, or ``check_layer``, ``check_loss`` and
``check_network``, which return a dict of the largest relative error per array.

Example
-------
>>> import numpy as np
>>> x = np.array([1.0, 2.0])
>>> g = numerical_gradient(lambda v: np.sum(v**3), x)      # close to 3 x^2 = [3, 12]
>>> relative_error(g, 3 * x**2) < 1e-8
True
"""
import numpy as np

from ._checks import as_float_array, check_number, make_rng
from .losses import get_loss


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the scalar function ``f()`` or ``f(x)`` w.r.t. the array ``x``.

    ``x`` is perturbed *in place* one entry at a time (and restored), so ``f`` may read it
    through a closure, as when ``x`` is a weight matrix inside a network.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("x must be a float64 numpy array (it is changed in place and restored).")
    if not callable(f):
        raise TypeError(f"f must be a function f() or f(x) that returns the loss, got {f!r}.")
    h = check_number(h, "h", low=0.0, low_open=True)
    call = (lambda: _scalar(f(x))) if _takes_argument(f) else (lambda: _scalar(f()))
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views that share memory with x and grad
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = call()
        flat[i] = old - h
        down = call()
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def _scalar(value):
    """The loss ``f`` returned, as a float; a numerical gradient needs one number, not an array."""
    if np.ndim(value) == 0 and isinstance(value, (int, float, np.number, np.ndarray)):
        return float(value)
    shape = f" of shape {np.shape(value)}" if hasattr(value, "shape") else ""
    raise TypeError(f"f must return one number (the loss), got {type(value).__name__}{shape}. "
                    f"If it returns an array, sum it, e.g. lambda: np.sum(layer.forward(x) * g).")


def _takes_argument(f):
    code = getattr(f, "__code__", None)
    return code is None or code.co_argcount > 0


def relative_error(a, b, tiny=1e-12):
    """||a - b|| / max(||a|| + ||b||, tiny) over the whole array: 0 when equal, about 1 when unrelated."""
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}.")
    if a.size == 0:
        return 0.0
    scale = max(np.abs(a).max(), np.abs(b).max())
    if scale > 1.0:  # rescale so that squaring 1e200 cannot overflow; the ratio stays the same
        a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), tiny))


def check_layer(layer, x, seed=0, h=1e-6):
    """Gradient-check one layer at input ``x``: returns {"x": err, "W": err, ...}.

    Uses the scalar f = sum(layer.forward(x) * g) for a fixed random g, whose gradient with
    respect to the output is exactly g, so ``layer.backward(g)`` should return df/dx. ``x`` is a
    batch: (n, features) for a dense layer, (n, channels, length) or (n, channels, height, width)
    for a convolution, (n, time, features) for attention and recurrence.
    """
    x = as_float_array(x, "x", ndim=(2, 3, 4)).copy()
    g = make_rng(seed).normal(size=layer.forward(x).shape)

    def f():
        return np.sum(layer.forward(x) * g)

    layer.forward(x)
    layer.zero_grad()
    analytic = {"x": layer.backward(g)}
    analytic.update({k: v.copy() for k, v in layer.grads.items()})
    numeric = {"x": numerical_gradient(f, x, h)}
    numeric.update({k: numerical_gradient(f, p, h) for k, p in layer.params.items()})
    return {k: relative_error(analytic[k], numeric[k]) for k in analytic}


def check_loss(loss, a, y, logits=False, h=1e-6):
    """Gradient-check a loss at outputs ``a`` (or logits): the largest relative error of dL/da."""
    loss = get_loss(loss)
    a = as_float_array(a, "a", ndim=(1, 2), allow_nonfinite=True).copy()  # a masked logit may be -inf
    loss(a, y, logits=logits)
    analytic = loss.backward().reshape(a.shape)
    numeric = numerical_gradient(lambda: loss(a, y, logits=logits), a, h)
    return relative_error(analytic, numeric)


def check_network(net, X, y, loss, logits=False, h=1e-6):
    """Gradient-check a whole network: {"X": err, "W1": err, "b1": err, ...}.

    With ``logits=True`` the loss is computed from the last pre-activation z^(L) (the fused,
    stable form) and back-propagated with ``wrt="z"``. An array whose true gradient is zero (a
    bias followed by batch normalization, say) compares 0 with rounding noise and shows a
    relative error near 1: look at the absolute values there.
    """
    loss = get_loss(loss)
    X = as_float_array(X, "X", ndim=2).copy()

    def f():
        out = net.forward(X)
        return loss(net.z[-1] if logits else out, y, logits=logits)

    f()
    net.zero_grad()
    grad_X = net.backward(loss.backward(), wrt="z" if logits else "a")
    errors = {"X": relative_error(grad_X, numerical_gradient(f, X, h))}
    for name, p, g in zip(parameter_names(net), net.parameters(), net.gradients()):
        errors[name] = relative_error(g, numerical_gradient(f, p, h))
    return errors


def parameter_names(net):
    """Names aligned with ``net.parameters()``: "W1", "b1", "W2", ... for an MLP; in other networks
    each array's name in its layer, numbered by the layer's position in ``net.layers`` ("gamma2":
    the scale of a BatchNorm that is layer 2)."""
    names = [f"{key}{l}" for l in range(1, len(net.dense) + 1) for key in ("W", "b")]
    if len(names) == len(net.parameters()):  # only the Dense layers have parameters
        return names
    return [f"{name}{i}" for i, layer in enumerate(net.layers, start=1) for name in layer.params]
