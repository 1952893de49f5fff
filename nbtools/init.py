"""Weight initialization: how the first weights of a Dense layer are drawn.

Every initializer is a function ``init(n_in, n_out, rng) -> W`` returning a float64 array of shape
``(n_out, n_in)`` (row j holds the weights of unit j, as in ``z = W a + b``). Biases always start at
zero. Pick one by name (``get_init("he")``) or pass any function with that signature.

Why the scales are what they are (notebook 07 derives and checks this): if the inputs of a layer
have variance v and W has independent entries of variance s^2, each pre-activation z_j = sum_i
W_ji a_i has variance n_in * s^2 * v. Keeping the variance steady from layer to layer therefore needs
s^2 = 1 / n_in (LeCun), s^2 = 2 / (n_in + n_out) to balance the forward and backward passes
(Xavier/Glorot, for tanh and sigmoid), or s^2 = 2 / n_in because ReLU zeroes half its inputs (He).

Example
-------
>>> import numpy as np
>>> W = he_normal(3, 4, np.random.default_rng(0))
>>> W.shape
(4, 3)
"""
import numpy as np

from ._checks import check_choice, check_number


def zeros(n_in, n_out, rng):
    """All weights zero. Every unit then computes the same thing forever: the symmetry problem."""
    return np.zeros((n_out, n_in))


def normal(std=0.01):
    """Return an initializer drawing W_ji ~ N(0, std^2), the same std whatever the layer size.

    ``normal(0.01)`` is "too small" for deep nets (activations shrink layer by layer) and
    ``normal(1.0)`` "too large" (they grow); notebook 07 shows both.
    """
    std = check_number(std, "std", low=0.0)

    def init(n_in, n_out, rng):
        return rng.normal(0.0, std, size=(n_out, n_in))

    init.__name__ = f"normal(std={std:g})"
    return init


def xavier_uniform(n_in, n_out, rng):
    """Glorot & Bengio (2010): W ~ U(-r, r), r = sqrt(6 / (n_in + n_out)), so Var W = 2 / (n_in + n_out)."""
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in))


def xavier_normal(n_in, n_out, rng):
    """Glorot & Bengio (2010): W ~ N(0, 2 / (n_in + n_out)). Suits tanh and sigmoid units."""
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_out, n_in))


def he_normal(n_in, n_out, rng):
    """He et al. (2015): W ~ N(0, 2 / n_in). Suits ReLU units, which pass on half their input."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


def he_uniform(n_in, n_out, rng):
    """He et al. (2015), uniform: W ~ U(-r, r), r = sqrt(6 / n_in), so Var W = 2 / n_in."""
    r = np.sqrt(6.0 / n_in)
    return rng.uniform(-r, r, size=(n_out, n_in))


INITS = {
    "zeros": zeros,
    "normal": normal(0.01),
    "xavier": xavier_normal,
    "glorot": xavier_normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get_init(init):
    """Return the initializer for a name in ``INITS`` or a callable ``(n_in, n_out, rng) -> W``."""
    if callable(init):
        return init
    return INITS[check_choice(init, "init", INITS)]
