"""A recurrent layer: one tanh cell applied at every time step, unrolled, with backprop through time.

A simple (Elman) RNN keeps a hidden state h and updates it with each input x_t:

    h_t = tanh(x_t Wx^T + h_{t-1} Wh^T + b),      h_0 = 0,      t = 1 .. T.

Unrolled over T steps this is a network of depth T whose layers all share Wx, Wh and b (weight
sharing in time). Backpropagation through time (BPTT) is ordinary backpropagation on that
unrolled graph, from the last step to the first:

    dL/dh_t = (given dL/dh_t from the output at step t) + delta_{t+1} Wh,
    delta_t = dL/dh_t * (1 - h_t^2)                      (dL/d(pre-activation) at step t),
    dL/dWx += delta_t^T x_t,   dL/dWh += delta_t^T h_{t-1},   dL/db += sum delta_t,
    dL/dx_t = delta_t Wx.

Each step back multiplies the gradient by Wh^T and by tanh' <= 1, as each layer of a deep
network does (notebook 06): over many steps it shrinks (vanishes) or grows (explodes).
``grad_h`` keeps every dL/dh_t after ``backward``, and ``step_gradient_norms()`` their sizes.

Example
-------
>>> import numpy as np
>>> rnn = RNN(d_in=1, d_h=4, seed=0)
>>> H = rnn.forward(np.ones((2, 5, 1)))          # (2, 5, 4): h_1 .. h_5 for both sequences
>>> g = np.zeros_like(H); g[:, -1] = 1.0          # a loss that reads only the last state
>>> rnn.backward(g).shape, rnn.step_gradient_norms().shape
((2, 5, 1), (5,))
"""
import numpy as np

from ._checks import check_number, layer_array, make_rng
from .layers import Layer


class RNN(Layer):
    """A tanh RNN over whole sequences: x (n, T, d_in) -> the hidden states H (n, T, d_h).

    Parameters Wx (d_h, d_in), Wh (d_h, d_h), b (d_h,). ``wh_scale`` sets the size of the
    recurrent weights: Wh is a random orthogonal matrix times ``wh_scale``, so every step back
    multiplies a gradient's length by at most ``wh_scale`` (and by tanh' <= 1 besides).
    After forward the layer keeps ``x`` and ``H``; after backward ``grad_h`` (n, T, d_h), the
    total dL/dh_t at every step, including what reached it from later steps.
    """

    def __init__(self, d_in, d_h, wh_scale=1.0, seed=0):
        super().__init__()
        self.d_in = check_number(d_in, "d_in", low=1, integer=True)
        self.d_h = check_number(d_h, "d_h", low=1, integer=True)
        self.wh_scale = check_number(wh_scale, "wh_scale", low=0.0)
        rng = make_rng(seed)
        Wx = rng.normal(0.0, 1.0 / np.sqrt(self.d_in), (self.d_h, self.d_in))
        orthogonal, _ = np.linalg.qr(rng.normal(size=(self.d_h, self.d_h)))
        self.params = {"Wx": Wx, "Wh": self.wh_scale * orthogonal, "b": np.zeros(self.d_h)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.x = self.H = self.grad_h = None

    def forward(self, x):
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim != 3 or x.shape[2] != self.d_in:
            x = layer_array(x, "input", f"{self!r}.forward", ("n", "T", self.d_in))
        if x.shape[1] == 0:
            raise ValueError(f"{self!r}.forward needs sequences of at least one step, got T = 0.")
        p = self.params
        n, T, _ = x.shape
        self.x = x
        self.H = np.zeros((n, T, self.d_h))
        h = np.zeros((n, self.d_h))                                   # h_0
        for t in range(T):
            h = np.tanh(x[:, t].dot(p["Wx"].T) + h.dot(p["Wh"].T) + p["b"])
            self.H[:, t] = h
        return self.H

    def backward(self, grad_out):
        """BPTT: ``grad_out`` is dL/dH (n, T, d_h), the gradient from outside at every step
        (zeros where the loss does not read h_t). Returns dL/dx (n, T, d_in)."""
        H = self.H
        g = self._checked_grad(grad_out, None if H is None else H.shape)
        p, x = self.params, self.x
        T = H.shape[1]
        self.grad_h = np.zeros_like(H)
        grad_x = np.zeros_like(x)
        from_later = np.zeros_like(H[:, 0])                           # delta_{t+1} Wh; none after T
        for t in reversed(range(T)):
            self.grad_h[:, t] = g[:, t] + from_later
            delta = self.grad_h[:, t] * (1.0 - H[:, t] ** 2)
            h_before = H[:, t - 1] if t > 0 else np.zeros_like(H[:, 0])
            self.grads["Wx"] += delta.T.dot(x[:, t])
            self.grads["Wh"] += delta.T.dot(h_before)
            self.grads["b"] += delta.sum(axis=0)
            grad_x[:, t] = delta.dot(p["Wx"])
            from_later = delta.dot(p["Wh"])
        return grad_x

    def step_gradient_norms(self):
        """||dL/dh_t|| for t = 1 .. T (over the whole batch), from the last ``backward``."""
        if self.grad_h is None:
            raise RuntimeError(f"{self!r}: call forward and backward before step_gradient_norms().")
        return np.sqrt((self.grad_h ** 2).sum(axis=(0, 2)))

    def output_width(self, width):
        return None

    def __repr__(self):
        return f"RNN(d_in={self.d_in}, d_h={self.d_h}, wh_scale={self.wh_scale:g})"


def last_step_gradient_norms(d_h=16, T=30, wh_scale=1.0, n=32, input_scale=1.0, seed=0):
    """||dL/dh_t|| for t = 1..T when the loss reads only the last state, L = sum of h_T.

    A fresh ``RNN(1, d_h, wh_scale)`` runs on ``n`` random sequences of ``T`` steps (inputs
    normal with std ``input_scale``). Returns the T norms: how much of the gradient gets back to
    each step. The same ``seed`` gives the same weights and inputs.
    """
    T = check_number(T, "T", low=1, integer=True)
    n = check_number(n, "n", low=1, integer=True)
    input_scale = check_number(input_scale, "input_scale", low=0.0)
    rnn = RNN(1, d_h, wh_scale=wh_scale, seed=seed)
    x = make_rng(seed).normal(0.0, input_scale, (n, T, 1))
    H = rnn.forward(x)
    g = np.zeros_like(H)
    g[:, -1] = 1.0
    rnn.backward(g)
    return rnn.step_gradient_norms()
