"""Scaled dot-product attention: weights computed from the data, softmax(Q K^T / sqrt(d)) V.

Every query (a row of Q) is compared with every key (a row of K) by a dot product; a softmax over
the keys turns the scores into weights that sum to 1, and the output is the weighted mean of the
values (rows of V):

    S = Q K^T / sqrt(d),      A = softmax(S) row by row,      out = A V.

The weights A are not parameters: they are computed from the input, so the same layer connects
different positions for different inputs (the overview's "dynamic kernel"). Q K^T multiplies two
things computed from the data: a multiplicative interaction (notebook 10).

Masking: where ``mask`` is False a query may not look at that key. Its score is set to -inf, so
its weight is exp(-inf) = 0 exactly and it contributes exactly nothing, forward and backward. A
query with *no* allowed key has no softmax (0 / 0): that raises a ValueError.

- ``attention(Q, K, V, mask=None)`` -> (out, A), and ``attention_backward(grad_out, Q, K, V, A)``
  -> (dQ, dK, dV): the function pair, for any leading batch axes;
- ``SelfAttention(d_in, d_k, d_v)``: a layer with Q = x Wq^T, K = x Wk^T, V = x Wv^T;
- ``causal_mask(T)``: position t may look at positions 0..t only.

Example
-------
>>> import numpy as np
>>> Q = np.array([[1.0, 0.0]]); K = np.array([[1.0, 0.0], [0.0, 1.0]]); V = np.array([[1.0], [2.0]])
>>> out, A = attention(Q, K, V, mask=np.array([[False, True]]))
>>> A.tolist(), out.tolist()
([[0.0, 1.0]], [[2.0]])
"""
import numpy as np

from ._checks import as_float_array, check_number, layer_array, make_rng
from .layers import Layer


def _swap(M):
    return np.swapaxes(M, -1, -2)


def _checked_mask(mask, shape):
    """``mask`` as a boolean array that broadcasts to the score shape (..., n_q, n_k)."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype != bool:
        raise TypeError(f"mask must be an array of True (may attend) and False (masked), got dtype "
                        f"{m.dtype}. Build it with a comparison, e.g. np.tril(np.ones((T, T))) > 0.")
    try:
        m = np.broadcast_to(m, shape)
    except ValueError:
        raise ValueError(f"mask has shape {m.shape} but the scores Q K^T have shape {shape}; give "
                         f"one True/False per (query, key) pair, shape {shape[-2:]}.") from None
    empty = ~m.any(axis=-1)
    if empty.any():
        row = tuple(int(i) for i in np.argwhere(empty)[0])
        raise ValueError(f"mask allows no key at all for query {row}: its softmax would be 0 / 0. "
                         f"Let every query attend to at least one key (a causal mask lets query t "
                         f"see itself).")
    return m


def softmax_rows(S):
    """softmax over the last axis, with -inf entries (masked scores) giving weights exactly 0."""
    shifted = S - S.max(axis=-1, keepdims=True)     # the row maximum is finite: one key is allowed
    e = np.exp(shifted)                             # exp(-inf) = 0 exactly
    return e / e.sum(axis=-1, keepdims=True)


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention: returns (out, A) with A = softmax(Q K^T / sqrt(d)), out = A V.

    Shapes: Q (..., n_q, d), K (..., n_k, d), V (..., n_k, d_v); out (..., n_q, d_v),
    A (..., n_q, n_k), every row of A summing to 1. ``mask``: booleans broadcasting to
    (..., n_q, n_k), False where a query may not look at a key (weight exactly 0).
    """
    Q = as_float_array(Q, "Q")
    K = as_float_array(K, "K")
    V = as_float_array(V, "V")
    if Q.ndim < 2 or Q.ndim != K.ndim or K.ndim != V.ndim:
        raise ValueError(f"Q, K, V must be arrays (..., rows, columns) with the same number of axes, "
                         f"got shapes {Q.shape}, {K.shape}, {V.shape}.")
    if Q.shape[-1] != K.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError(f"Q (..., n_q, d) and K (..., n_k, d) must share d, and V (..., n_k, d_v) "
                         f"must have one row per key; got Q {Q.shape}, K {K.shape}, V {V.shape}.")
    if K.shape[-2] == 0 or Q.shape[-1] == 0:
        raise ValueError(f"attention needs at least one key and vectors of at least one number; got "
                         f"K of shape {K.shape} and Q of shape {Q.shape}.")
    S = Q @ _swap(K) / np.sqrt(Q.shape[-1])
    m = _checked_mask(mask, S.shape)
    if m is not None:
        S = np.where(m, S, -np.inf)
    A = softmax_rows(S)
    return A @ V, A


def attention_backward(grad_out, Q, K, V, A):
    """Gradients (dQ, dK, dV) of a loss L, given g = dL/dout and the forward's Q, K, V, A.

        dV = A^T g,   dA = g V^T,   dS = A * (dA - sum_k dA * A)  (the softmax's backward, row by row),
        dQ = dS K / sqrt(d),   dK = dS^T Q / sqrt(d).

    A masked weight is exactly 0, so its dS is exactly 0 too: a masked key gets no gradient.
    """
    g = as_float_array(grad_out, "grad_out")
    if g.shape != A.shape[:-1] + V.shape[-1:]:
        raise ValueError(f"grad_out must have the shape of out, {A.shape[:-1] + V.shape[-1:]}, "
                         f"got {g.shape}.")
    scale = np.sqrt(Q.shape[-1])
    dV = _swap(A) @ g
    dA = g @ _swap(V)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dS @ K / scale, _swap(dS) @ Q / scale, dV


def causal_mask(T):
    """(T, T) booleans, True on and below the diagonal: position t may attend to 0..t only."""
    T = check_number(T, "T", low=1, integer=True)
    return np.tril(np.ones((T, T), dtype=bool))


class SelfAttention(Layer):
    """Self-attention: every position of a sequence attends to every (allowed) position.

    Shapes: x (n, T, d_in); Wq, Wk (d_k, d_in), Wv (d_v, d_in); out (n, T, d_v), with
    Q = x Wq^T, K = x Wk^T, V = x Wv^T and out = softmax(Q K^T / sqrt(d_k)) V. ``mask`` (T, T),
    if given, is applied to every sequence. The layer keeps ``A``, the (n, T, T) attention
    weights of the last forward pass, for plots.

    Backward: ``attention_backward`` gives dQ, dK, dV; then dWq = sum_n dQ^T x and
    dx = dQ Wq + dK Wk + dV Wv (x feeds all three: the gradients add up).

    No position enters the computation: permuting the T positions of x permutes the rows of
    the output the same way (permutation equivariance).
    """

    def __init__(self, d_in, d_k, d_v, mask=None, seed=0):
        super().__init__()
        self.d_in = check_number(d_in, "d_in", low=1, integer=True)
        self.d_k = check_number(d_k, "d_k", low=1, integer=True)
        self.d_v = check_number(d_v, "d_v", low=1, integer=True)
        self.mask = None if mask is None else np.asarray(mask)
        rng = make_rng(seed)
        std = 1.0 / np.sqrt(self.d_in)
        self.params = {"Wq": rng.normal(0, std, (self.d_k, self.d_in)),
                       "Wk": rng.normal(0, std, (self.d_k, self.d_in)),
                       "Wv": rng.normal(0, std, (self.d_v, self.d_in))}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.x = self.Q = self.K = self.V = self.A = None

    def forward(self, x):
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim != 3 or x.shape[2] != self.d_in:
            x = layer_array(x, "input", f"{self!r}.forward", ("n", "T", self.d_in))
        self.x = x
        p = self.params
        self.Q, self.K, self.V = x @ p["Wq"].T, x @ p["Wk"].T, x @ p["Wv"].T
        out, self.A = attention(self.Q, self.K, self.V, self.mask)
        return out

    def backward(self, grad_out):
        shape = None if self.A is None else self.A.shape[:2] + (self.d_v,)
        g = self._checked_grad(grad_out, shape)
        dQ, dK, dV = attention_backward(g, self.Q, self.K, self.V, self.A)
        x, p = self.x, self.params
        for name, d in (("Wq", dQ), ("Wk", dK), ("Wv", dV)):
            self.grads[name] += np.einsum("ntk,nti->ki", d, x)
        return dQ @ p["Wq"] + dK @ p["Wk"] + dV @ p["Wv"]

    def output_width(self, width):
        return None

    def __repr__(self):
        masked = "" if self.mask is None else ", masked"
        return f"SelfAttention({self.d_in}, d_k={self.d_k}, d_v={self.d_v}{masked})"
