"""Optimizers, written out so you can read every step.

An optimizer turns gradients into parameter updates. Each one here has the same shape as in
PyTorch: build it with its hyperparameters, then call ``opt.step(params, grads)`` once per
mini-batch. ``params`` is a list of numpy arrays, changed in place; ``grads`` is the matching list
of gradients. The same call works for a network (``net.parameters(), net.gradients()``) and for a
single point on a 2-D loss surface (``[np.array([x, y])]``).

Optimizers with memory (momentum's velocity, Adam's moments) keep it in the optimizer, one small
dict per array, created on the first step. ``opt.reset()`` forgets it.

The update rules and default hyperparameters are the ones documented for ``torch.optim``, so what
you learn here carries over. Learning-rate schedules, which change ``opt.lr`` as training goes
on, are in ``schedules``.

    >>> import numpy as np
    >>> p = np.array([1.0, -2.0])           # one point; loss 0.5 * |p|^2 has gradient p
    >>> opt = SGD(lr=0.1)
    >>> for _ in range(3):
    ...     opt.step([p], [p.copy()])
    >>> p                                    # each step multiplies p by (1 - 0.1)
    array([ 0.729, -1.458])
"""
import numpy as np

from ._checks import as_float_array, check_choice, check_lr, check_number


# ---------------------------------------------------------------- checking hyperparameters

def _check_fraction(value, name, hint):
    """A decay rate such as momentum or beta: a number in [0, 1)."""
    value = check_number(value, name, hint=hint)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}. {hint}")
    return value


def _check_betas(betas):
    hint = "Use two decay rates in [0, 1), for example betas=(0.9, 0.999)."
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}. {hint}")
    return (_check_fraction(betas[0], "betas[0]", hint), _check_fraction(betas[1], "betas[1]", hint))


def _check_weight_decay(weight_decay):
    return check_number(weight_decay, "weight_decay", low=0,
                        hint="Use 0 for none, or a small value such as 1e-4.")


def _check_eps(eps):
    return check_number(eps, "eps", low=0, low_open=True,
                        hint="Use a tiny positive number such as 1e-8.")


# ---------------------------------------------------------------- optimizers

class Optimizer:
    """Base class: keeps the per-array state and applies the update rule to every array.

    A subclass only writes ``update(p, g, state)``: the rule for one parameter array ``p`` with
    gradient ``g`` (same shape), where ``state`` is that array's own dict of memory.
    """

    def __init__(self, lr):
        self.lr = check_lr(lr)
        self.reset()

    def reset(self):
        """Forget all state (velocities, moments, step count), as if the optimizer were new."""
        self.state = None     # one dict per parameter array, made on the first step
        self.shapes = None    # the shapes of the arrays of the first step
        self.t = 0            # number of steps taken

    def step(self, params, grads):
        """Update every array in ``params`` in place, using the matching array in ``grads``.

        params: list of float numpy arrays, any shapes.  grads: list of arrays, same shapes.
        """
        grads = self._checked(params, grads)
        self.t += 1
        for p, g, state in zip(params, grads, self.state):
            self.update(p, g, state)

    def update(self, p, g, state):
        raise NotImplementedError("each optimizer writes its own update rule")

    def __repr__(self):
        settings = ", ".join(f"{name}={value!r}" for name, value in self.settings().items())
        return f"{type(self).__name__}({settings})"

    # ---- the checks of step's input (and the state made on the first step) -----------------
    def _checked(self, params, grads):
        """Check the arguments of ``step`` and ``lr``; make the per-array state on the first step.

        Returns the gradients as float arrays. Later steps must bring arrays of the same shapes:
        the state belongs to the arrays of the first step.
        """
        grads = _check_params_and_grads(params, grads)
        shapes = [p.shape for p in params]
        if self.state is None:
            self.state = [{} for _ in params]
            self.shapes = shapes
        elif shapes != self.shapes:
            raise ValueError(
                f"This optimizer was first used with {len(self.shapes)} array(s) of shapes "
                f"{self.shapes}, but now got {len(shapes)} of shapes {shapes}. Its memory belongs "
                f"to the first parameters; call opt.reset() to start over, or make one optimizer "
                f"per network."
            )
        # a schedule may have changed lr since __init__; 0 is allowed (the end of an annealing)
        self.lr = check_number(self.lr, "lr", low=0,
                               hint="Set opt.lr to a small positive number, for example 0.01.")
        return grads


def _check_params_and_grads(params, grads):
    """Check two aligned lists of arrays; return the gradients as float64 arrays."""
    for name, arrays in (("params", params), ("grads", grads)):
        if not isinstance(arrays, (list, tuple)):
            hint = ("wrap a single array in a list: opt.step([p], [g])"
                    if isinstance(arrays, np.ndarray) else f"pass list({name}) instead")
            raise TypeError(f"{name} must be a list of numpy arrays, got {type(arrays).__name__}; "
                            f"{hint}.")
    if len(params) != len(grads):
        raise ValueError(f"params has {len(params)} arrays but grads has {len(grads)}; they must "
                         f"be aligned, one gradient per parameter array.")
    if all(type(p) is np.ndarray and type(g) is np.ndarray and p.dtype.kind == "f" == g.dtype.kind
           and p.shape == g.shape for p, g in zip(params, grads)):
        return grads  # the common case, checked cheaply: a training loop calls this every step
    checked = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            got = f"array of dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
            raise TypeError(f"params[{i}] must be a float numpy array (it is updated in place), "
                            f"got {got}. Make it once with np.asarray(p, dtype=float) and keep "
                            f"using that array.")
        g = as_float_array(g, f"grads[{i}]", allow_nonfinite=True)
        if g.shape != p.shape:
            raise ValueError(f"grads[{i}] has shape {g.shape} but params[{i}] has shape "
                             f"{p.shape}; each gradient must have its parameter's shape.")
        checked.append(g)
    return checked


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and L2 decay.

    For each parameter array p with gradient g (same shape), with mu = momentum:

        g = g + weight_decay * p
        b = g                                    (first step)
        b = mu * b + (1 - dampening) * g         (later steps)
        g = g + mu * b   if nesterov,   else   g = b
        p = p - lr * g

    Without momentum (mu = 0) this is plain gradient descent, p = p - lr * g.

    Two ways to write momentum. Many texts write a velocity v that already contains the learning
    rate: v = mu * v - lr * g, then p = p + v. PyTorch (and this class) keeps b without it:
    b = mu * b + g, then p = p - lr * b. While lr stays constant the two give the same trajectory,
    because v = -lr * b at every step. When a schedule changes lr, they differ: the text's v still
    carries the old learning rate, while here the new lr scales the whole accumulated b at once.

    Example
    -------
    >>> p = np.array([1.0, -2.0])
    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> opt.step([p], [np.array([1.0, -2.0])])
    >>> p
    array([ 0.9, -1.8])
    """

    def __init__(self, lr=0.001, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(lr)
        self.momentum = _check_fraction(momentum, "momentum", "Typical values are 0.9 or 0.99.")
        self.dampening = check_number(dampening, "dampening", low=0, high=1,
                                      hint="Use 0 (the default) or a value up to 1.")
        if not isinstance(nesterov, (bool, np.bool_)):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}.")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError(f"nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={momentum!r}, dampening={dampening!r}. Set momentum=0.9, "
                             f"dampening=0.")
        self.nesterov = bool(nesterov)
        self.weight_decay = _check_weight_decay(weight_decay)

    def settings(self):
        return dict(lr=self.lr, momentum=self.momentum, dampening=self.dampening,
                    nesterov=self.nesterov, weight_decay=self.weight_decay)

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            if "b" not in state:
                state["b"] = g.copy()
            else:
                state["b"] = self.momentum * state["b"] + (1 - self.dampening) * g
            g = g + self.momentum * state["b"] if self.nesterov else state["b"]
        p -= self.lr * g


class RMSProp(Optimizer):
    """RMSProp: divide each gradient entry by a running root-mean-square of its past values.

    For each parameter array p with gradient g (same shape; all operations are entrywise):

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g**2       (v starts at 0)
        p = p - lr * g / (sqrt(v) + eps)

    With centered=True, the running mean gbar = alpha * gbar + (1 - alpha) * g is subtracted:
    the divisor is sqrt(v - gbar**2) + eps (a running standard deviation). With momentum mu > 0 the
    scaled step is accumulated first: b = mu * b + g / divisor, then p = p - lr * b.

    Example
    -------
    >>> p = np.array([1.0, -2.0])
    >>> RMSProp(lr=0.01, alpha=0.75).step([p], [np.array([1.0, -2.0])])
    >>> p.round(6)            # v = 0.25 * g**2, so each entry moves by lr * sign(g) / 0.5
    array([ 0.98, -1.98])
    """

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        super().__init__(lr)
        self.alpha = _check_fraction(alpha, "alpha", "Typical values are 0.9 or 0.99.")
        self.eps = _check_eps(eps)
        self.weight_decay = _check_weight_decay(weight_decay)
        self.momentum = _check_fraction(momentum, "momentum", "Use 0 (the default) or e.g. 0.9.")
        if not isinstance(centered, (bool, np.bool_)):
            raise TypeError(f"centered must be True or False, got {centered!r}.")
        self.centered = bool(centered)

    def settings(self):
        return dict(lr=self.lr, alpha=self.alpha, eps=self.eps, weight_decay=self.weight_decay,
                    momentum=self.momentum, centered=self.centered)

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        a = self.alpha
        state["v"] = a * state.get("v", 0.0) + (1 - a) * g**2
        if self.centered:
            state["gbar"] = a * state.get("gbar", 0.0) + (1 - a) * g
            divisor = np.sqrt(state["v"] - state["gbar"]**2) + self.eps
        else:
            divisor = np.sqrt(state["v"]) + self.eps
        if self.momentum:
            state["b"] = self.momentum * state.get("b", 0.0) + g / divisor
            p -= self.lr * state["b"]
        else:
            p -= self.lr * g / divisor


class Adam(Optimizer):
    """Adam: momentum (a running mean m of gradients) scaled by RMSProp's running v of g**2.

    For each parameter array p with gradient g (same shape; entrywise), at step t = 1, 2, ...:

        g = g + weight_decay * p                 (L2 penalty folded into the gradient)
        m = beta1 * m + (1 - beta1) * g          (m, v start at 0)
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t),  v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    Because m and v start at 0, early on they are too small; dividing by (1 - beta**t) undoes that
    bias. With bias_correction=False, m_hat = m and v_hat = v: the first steps are then
    (1 - beta1) / sqrt(1 - beta2), about 3 times larger than lr with the default betas.

    Example
    -------
    >>> p = np.array([1.0, -2.0])
    >>> Adam(lr=0.1).step([p], [np.array([1.0, -2.0])])
    >>> p.round(6)            # the first step moves every entry by about lr, against sign(g)
    array([ 0.9, -1.9])
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 bias_correction=True):
        super().__init__(lr)
        self.betas = _check_betas(betas)
        self.eps = _check_eps(eps)
        self.weight_decay = _check_weight_decay(weight_decay)
        if not isinstance(bias_correction, (bool, np.bool_)):
            raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}.")
        self.bias_correction = bool(bias_correction)

    def settings(self):
        return dict(lr=self.lr, betas=self.betas, eps=self.eps, weight_decay=self.weight_decay,
                    bias_correction=self.bias_correction)

    def update(self, p, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * p
        self.adam_update(p, g, state)

    def adam_update(self, p, g, state):
        """The Adam step itself, shared by Adam and AdamW."""
        beta1, beta2 = self.betas
        state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g**2
        m_hat, v_hat = state["m"], state["v"]
        if self.bias_correction:
            m_hat = m_hat / (1 - beta1**self.t)
            v_hat = v_hat / (1 - beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay: shrink p directly, then take a plain Adam step.

        p = p - lr * weight_decay * p
        then the Adam update of ``Adam`` with g unchanged

    In Adam with weight_decay, the decay term goes into g and is then divided by sqrt(v_hat), so
    parameters with large gradients are barely decayed. Here every parameter shrinks by the same
    factor (1 - lr * weight_decay) per step.

    Example
    -------
    >>> p = np.array([1.0, -2.0])
    >>> AdamW(lr=0.1, weight_decay=0.5).step([p], [np.array([1.0, -2.0])])
    >>> p.round(6)            # p * (1 - 0.05), then the Adam step of about 0.1
    array([ 0.85, -1.8 ])
    """

    def __init__(self, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01,
                 bias_correction=True):
        super().__init__(lr, betas, eps, weight_decay, bias_correction)

    def update(self, p, g, state):
        p -= self.lr * self.weight_decay * p
        self.adam_update(p, g, state)


def momentum_sgd(lr=0.001, momentum=0.9, **kwargs):
    """SGD with momentum 0.9 unless told otherwise (the name 'momentum' in OPTIMIZERS)."""
    return SGD(lr, momentum=momentum, **kwargs)


def nesterov_sgd(lr=0.001, momentum=0.9, **kwargs):
    """SGD with Nesterov momentum 0.9 unless told otherwise (the name 'nesterov')."""
    return SGD(lr, momentum=momentum, nesterov=True, **kwargs)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": momentum_sgd,
    "nesterov": nesterov_sgd,
    "rmsprop": RMSProp,
    "adam": Adam,
    "adamw": AdamW,
}


def get_optimizer(name, **kwargs):
    """Build an optimizer by name, e.g. ``get_optimizer("adam", lr=0.01)``; see ``OPTIMIZERS``."""
    return OPTIMIZERS[check_choice(name, "optimizer name", OPTIMIZERS)](**kwargs)
