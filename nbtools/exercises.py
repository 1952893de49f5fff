"""Self-checking exercises: compare a student's answer with a known value and say what is wrong.

Every exercise in the series has the same shape: a stub that returns a correctly shaped
placeholder (zeros), so "Run All" always works, then a check cell::

    check("sigmoid'(z)", sigmoid_prime(z), expected)

which prints one line: ``Correct``, ``Not yet`` (the stub still returns its placeholder), or
``Wrong`` with the first entry that differs, the expected value next to yours, and a hint.
``check`` returns nothing, so a notebook cell shows only that line. A grader (or a test) uses
``verdict(...)``, which returns ``(ok, message)`` for the same comparison, or ``require(...)``,
which raises ``AssertionError`` with the message unless the answer is correct.

Some exercises need more than one comparison; their checks are here too, named after the
exercise: ``check_momentum_step`` and ``check_adam_step`` (notebook 08) run the student's update
rule for a few steps and compare the path with ``nbtools.optim``'s.

Longer than 400 lines: it holds one section of checks per notebook, so that every check cell is
one line and the reference values are computed here, out of the student's sight.
"""
import numpy as np

from . import optim
from .landscapes import Quadratic
from .walks import run


def check(name, got, expected, rtol=1e-6, atol=1e-9, hint=""):
    """Compare ``got`` with ``expected`` (numbers or arrays) and print the verdict."""
    print(verdict(name, got, expected, rtol, atol, hint)[1])


def require(name, got, expected, rtol=1e-6, atol=1e-9, hint=""):
    """Like ``check``, but raise ``AssertionError`` with the message unless the answer is correct."""
    ok, message = verdict(name, got, expected, rtol, atol, hint)
    if not ok:
        raise AssertionError(message)


def verdict(name, got, expected, rtol=1e-6, atol=1e-9, hint=""):
    """(ok, message) for ``got`` against ``expected``: the comparison behind ``check``."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return _say(False, f"Wrong: {name} should be numbers, got {type(got).__name__}.", hint)
    if got_arr.shape != expected.shape:
        return _say(False, f"Wrong: {name} should have shape {expected.shape}, got {got_arr.shape}.", hint)
    if not np.any(got_arr) and np.any(expected):
        return _say(False, f"Not yet: {name} is still the placeholder (all zeros). Fill in the stub above.", "")
    close = np.isclose(got_arr, expected, rtol=rtol, atol=atol)
    if np.all(close):
        return _say(True, f"Correct: {name} matches.", "")
    i = np.unravel_index(np.argmin(close), close.shape) if close.ndim else ()
    where = f" at index {tuple(int(k) for k in i)}" if i else ""
    bad = int(close.size - np.count_nonzero(close))
    return _say(False, f"Wrong: {name} differs in {bad} of {close.size} entries; first{where}: "
                       f"expected {expected[i]:.6g}, got {got_arr[i]:.6g}.", hint)


def check_gradient(name, analytic, numeric, tol=1e-7, hint=""):
    """Compare a hand-derived gradient with a numerical one and print the verdict."""
    print(gradient_verdict(name, analytic, numeric, tol, hint)[1])


def gradient_verdict(name, analytic, numeric, tol=1e-7, hint=""):
    """(ok, message): relative error ||a - n|| / (||a|| + ||n||) of a gradient against a numerical one."""
    from .gradcheck import relative_error

    analytic, numeric = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        return _say(False, f"Wrong: {name} should have shape {numeric.shape}, got {analytic.shape}.", hint)
    if not np.any(analytic) and np.any(numeric):
        return _say(False, f"Not yet: {name} is still the placeholder (all zeros). Fill in the stub above.", "")
    err = relative_error(analytic, numeric)
    if err < tol:
        return _say(True, f"Correct: {name} agrees with finite differences (relative error < {tol:g}).", "")
    return _say(False, f"Wrong: {name} has relative error {err:.2g} against finite differences "
                       f"(a correct gradient gives < {tol:g}).", hint)


def _say(ok, message, hint):
    return ok, message + (f" Hint: {hint}" if hint and not ok else "")


# ---- notebook 08: an optimizer's step, run for a few steps ------------------------------------

_EXERCISE_SURFACE = Quadratic(condition=10.0, angle=0.3)
_EXERCISE_START = (-2.0, 1.5)


def _student_points(step, state, steps):
    """Call a student's step function ``steps`` times on the exercise surface; return the points.

    ``step(p, g, state, t)`` returns (p, state). Stops at the first malformed or non-finite p.
    """
    p, points = np.array(_EXERCISE_START), []
    for t in range(1, steps + 1):
        p, state = step(p.copy(), _EXERCISE_SURFACE.grad(p), state, t)
        p = np.asarray(p, dtype=np.float64)
        points.append(p)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            break
    return points


def check_momentum_step(momentum_step, steps=5):
    """Exercise check: print whether ``momentum_step(p, g, v, lr, mu) -> (p, v)`` is right."""
    print(momentum_step_verdict(momentum_step, steps)[1])


def momentum_step_verdict(momentum_step, steps=5):
    """(ok, message): does ``momentum_step`` follow optim.SGD(momentum=mu)?

    Runs it ``steps`` times on a quadratic (lr = 0.05, mu = 0.9, v starts at 0) and compares the
    points with those of nbtools.optim's momentum.
    """
    lr, mu = 0.05, 0.9
    points = _student_points(lambda p, g, v, t: momentum_step(p, g, v, lr, mu), np.zeros(2), steps)
    expected = run(optim.SGD(lr=lr, momentum=mu), _EXERCISE_SURFACE, _EXERCISE_START, steps).points[1:]
    return _compare("the path of momentum_step", points, expected,
                    "v = mu * v - lr * g first, then p = p + v (with the new v).")


def check_adam_step(adam_step, steps=5):
    """Exercise check: print whether ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p, m, v)``
    is right."""
    print(adam_step_verdict(adam_step, steps)[1])


def adam_step_verdict(adam_step, steps=5):
    """(ok, message): does ``adam_step`` follow optim.Adam?

    Runs it ``steps`` times (t = 1, 2, ...; lr = 0.1, betas (0.9, 0.999), eps 1e-8, m = v = 0 at
    first) on a quadratic and compares the points with those of nbtools.optim's Adam.
    """
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8

    def step(p, g, mv, t):
        p, m, v = adam_step(p, g, mv[0], mv[1], t, lr, beta1, beta2, eps)
        return p, (m, v)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        points = _student_points(step, (np.zeros(2), np.zeros(2)), steps)
    expected = run(optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps), _EXERCISE_SURFACE,
                   _EXERCISE_START, steps).points[1:]
    return _compare("the path of adam_step", points, expected,
                    "m and v are running averages with weights beta and 1 - beta; divide them by "
                    "1 - beta**t with t starting at 1; p = p - lr * m_hat / (sqrt(v_hat) + eps).")


def _compare(name, points, expected, hint):
    """verdict() of the student's points against the expected ones: (ok, message)."""
    bad = [p for p in points if p.shape != (2,)]
    if bad:
        return verdict(name, bad[0], expected[0], hint="return p with the same shape as p, (2,).")
    got = np.full(expected.shape, np.nan)  # a run that stopped early is missing its last points
    got[:len(points)] = points
    return verdict(name, got, expected, hint=hint)


# ---- notebook 00: accuracy and the number of parameters ----------------------------------------
# The reference values are computed here, not in the notebook's check cell, so that the student
# cannot read (or call) them there.

def check_accuracy(accuracy):
    """Exercise check: print whether ``accuracy(net, X, y)`` is the fraction of correct predictions."""
    print(accuracy_verdict(accuracy)[1])


def accuracy_verdict(accuracy):
    """(ok, message): ``accuracy`` on a small trained network and fresh points, against the fraction
    of points whose predicted class (P(y = 1) >= 0.5 means class 1) equals the label."""
    from . import data, nn, training

    X, y = data.moons(n=60, noise=0.3, seed=5)
    net = nn.MLP([2, 3, 1], hidden="tanh", seed=1)
    training.fit(net, X[:30], y[:30], optimizer=optim.Adam(lr=0.02), epochs=20, batch_size=None,
                 seed=0, progress=False)
    expected = np.mean((net.forward(X[30:])[:, 0] >= 0.5) == y[30:])
    return verdict("accuracy(net, X, y)", accuracy(net, X[30:], y[30:]), expected,
                   hint="compare (probability >= 0.5) with y, then take the mean; mind the shape "
                        "(n, 1) versus (n,).")


def check_parameter_count(n_parameters):
    """Exercise check: print whether ``n_parameters`` is the number of weights and biases of
    nn.MLP([2, 16, 16, 1])."""
    print(parameter_count_verdict(n_parameters)[1])


def parameter_count_verdict(n_parameters):
    """(ok, message) for the number of parameters of a 2-16-16-1 network."""
    sizes = (2, 16, 16, 1)
    expected = sum(n_out * n_in + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    return verdict("the number of parameters", n_parameters, expected,
                   hint="three layers: 2 -> 16, 16 -> 16, 16 -> 1; each has outputs x inputs weights "
                        "plus outputs biases.")


# ---- notebook 07: He initialization and the variance factor per layer ---------------------------

def check_he_init(he_init):
    """Exercise check: print whether ``he_init(n_in, n_out, rng)`` draws He weights."""
    print(he_init_verdict(he_init)[1])


def he_init_verdict(he_init, n_in=500, n_out=400):
    """(ok, message): does ``he_init`` return a random (n_out, n_in) matrix, drawn with ``rng``, with
    mean 0 and standard deviation sqrt(2 / n_in)? One verdict for all of it, so that a placeholder
    of the right shape is never called correct."""
    name = "he_init(500, 400, rng)"
    try:
        W = np.asarray(he_init(n_in, n_out, np.random.default_rng(0)), dtype=np.float64)
    except (TypeError, ValueError):
        return _say(False, f"Wrong: {name} should return an array of numbers.", "return W at the end.")
    if W.shape != (n_out, n_in):
        return _say(False, f"Wrong: {name} should have shape {(n_out, n_in)}, got {W.shape}.",
                    "row j holds the weights of unit j: (n_out, n_in).")
    if np.ptp(W) == 0:
        return _say(False, f"Not yet: {name} is still the placeholder (all entries equal). "
                           "Fill in the stub above.", "")
    again = np.asarray(he_init(n_in, n_out, np.random.default_rng(0)), dtype=np.float64)
    if not np.array_equal(W, again):
        return _say(False, f"Wrong: {name} gives different weights for the same rng.",
                    "draw the numbers with the generator you are given, rng.normal(...), not np.random.")
    if abs(W.mean()) > 0.05 * np.sqrt(2 / n_in):
        return _say(False, f"Wrong: the mean of {name} is {W.mean():.3g}, it should be about 0.",
                    "draw from a distribution centred on 0.")
    return verdict(f"the standard deviation of {name}", np.std(W), np.sqrt(2 / n_in), rtol=0.02,
                   hint="the *variance* is 2 / n_in, so the standard deviation is np.sqrt(2 / n_in).")


def check_variance_factor(variance_factor):
    """Exercise check: print whether ``variance_factor`` is Var(z) of one layer over Var(z) of the
    layer before, in a ReLU network with weights of variance s^2 = 3 / n_in."""
    print(variance_factor_verdict(variance_factor)[1])


def variance_factor_verdict(variance_factor):
    """(ok, message) for the factor n_in * s^2 * (1/2) with s^2 = 3 / n_in."""
    n_in = 64
    s2, relu_half = 3 / n_in, 0.5
    return verdict("the factor of Var(z) per layer", variance_factor, n_in * s2 * relu_half,
                   hint="Var(z) = n_in s^2 E[relu(z_before)^2], and E[relu(z)^2] = Var(z) / 2.")


def check_batchnorm_forward(batchnorm_forward):
    """Exercise check: print whether ``batchnorm_forward(z, gamma, beta)`` is batch normalization's
    forward pass in training mode."""
    print(batchnorm_forward_verdict(batchnorm_forward)[1])


def batchnorm_forward_verdict(batchnorm_forward):
    """(ok, message): ``batchnorm_forward`` on a batch of 6 samples of 3 units, against
    nbtools.blocks.BatchNorm in training mode."""
    from .blocks import BatchNorm

    z = np.random.default_rng(3).normal(5.0, 2.0, size=(6, 3))
    gamma, beta = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 3.0])
    bn = BatchNorm(3)
    bn.params["gamma"][:], bn.params["beta"][:] = gamma, beta
    return verdict("batchnorm_forward(z, gamma, beta)", batchnorm_forward(z.copy(), gamma, beta),
                   bn.forward(z), hint="the mean and variance are over the batch, one per column: "
                                       "z.mean(axis=0), z.var(axis=0).")


# ---- notebook 05: counting a grid search --------------------------------------------------------

def _settings(sizes, k):
    """k ** (weights and biases of a dense network with these layer sizes), as an exact integer."""
    return k ** sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def check_brute_force_settings(brute_force_settings):
    """Exercise check: print whether ``brute_force_settings(sizes, k)`` counts the grid search."""
    print(brute_force_settings_verdict(brute_force_settings)[1])


def brute_force_settings_verdict(brute_force_settings):
    """(ok, message): does ``brute_force_settings(sizes, k)`` return k ** (number of parameters)?

    Tries a few networks (small enough that every answer fits in a 64-bit integer) and compares
    with a count made here, so the check shows no reference value the student could copy.
    """
    hint = "count, layer by layer, one weight per (input, unit) pair and one bias per unit."
    cases = [([2, 1], 21), ([2, 4, 2, 1], 5), ([3, 5, 1], 2), ([2, 8, 1], 3), ([1, 1], 7)]
    got = []
    for sizes, k in cases:
        try:
            got.append(brute_force_settings(list(sizes), k))
        except Exception as error:   # the student's code failed: say where, do not crash the cell
            return _say(False, f"Wrong: brute_force_settings({sizes}, {k}) raised "
                               f"{type(error).__name__}: {error}.", hint)
    if all(isinstance(g, (int, float, np.number)) and g == 0 for g in got):
        return _say(False, "Not yet: brute_force_settings still returns the placeholder 0. "
                           "Fill in the stub above.", "")
    for (sizes, k), g in zip(cases, got):
        want = _settings(sizes, k)
        try:
            ok = g == want or np.isclose(float(g), float(want), rtol=1e-9, atol=0)
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            n = round(np.log(want) / np.log(k))
            try:
                yours = f"about {k}**{np.log(float(g)) / np.log(k):.3g}" if float(g) > 0 else repr(g)
            except (TypeError, ValueError, OverflowError):
                yours = repr(g)
            return _say(False, f"Wrong: brute_force_settings({sizes}, {k}) should be {k}**{n} "
                               f"({n} parameters), got {yours}.", hint)
    return _say(True, f"Correct: brute_force_settings counts the settings of all {len(cases)} "
                      f"networks tried.", "")


# ---- notebook 06: dead units ------------------------------------------------------------------

_DEAD_CASES = [
    np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 2.0, 0.5, 0.0], [0.0, 0.0, 0.0, 3.0]]),
    np.array([[0.0, 0.0, 1e-12], [0.0, 0.0, 0.0]]),          # a tiny value is still alive
    np.zeros((4, 3)),                                        # every unit dead
    np.array([[0.5, 0.0, 2.0, 0.1, 0.0]]),                    # one sample
    np.abs(np.random.default_rng(0).normal(size=(6, 4))),    # no unit dead
]


def check_dead_fraction(dead_fraction, a=None):
    """Exercise check: print whether ``dead_fraction(a)`` is the fraction of all-zero columns of a.

    Tries a few activation matrices kept here, and ``a`` (a layer's activations, say) if given.
    """
    print(dead_fraction_verdict(dead_fraction, a)[1])


def dead_fraction_verdict(dead_fraction, a=None):
    """(ok, message): ``dead_fraction`` against the fraction of columns that are 0 in every row."""
    cases = _DEAD_CASES + ([np.asarray(a, dtype=np.float64)] if a is not None else [])
    expected = [float(np.mean(np.all(case == 0, axis=0))) for case in cases]
    got = []
    for case in cases:
        try:
            got.append(dead_fraction(case.copy()))
        except Exception as error:   # the student's code failed: say so, do not crash the cell
            return _say(False, f"Wrong: dead_fraction raised {type(error).__name__}: {error} on an "
                               f"array of shape {case.shape}.", "")
    return verdict(f"dead_fraction on {len(cases)} activation matrices (one entry each)", got,
                   expected, hint="a unit is a column; it is dead only if its whole column is 0. "
                                  "Return a fraction of the columns, a number from 0 to 1.")


# ---- notebook 08, exercise 3: questions answered with the optimizer race ------------------------
# The answers are found here by running the race's settings (tests check that these settings are
# the race's own), never written down, so the notebook's check cells show no answer.

_RACE_QUADRATIC = Quadratic(condition=20.0, angle=0.5)      # the race's "quadratic"
_RACE_STEPS, _NOTCH = 200, 10 ** 0.1                          # a learning-rate slider's notch
_RACE_NAMES = ("SGD", "momentum", "Nesterov", "RMSProp", "Adam")


def _race_saddle_runs(noise):
    """The race on its saddle with its default settings, started on the ridge (start y = 0)."""
    from .landscapes import Saddle
    from .walks import run_all

    lr, lr_adam = 1e-2, 10 ** round(np.log10(5e-2), 1)
    optimizers = {"SGD": optim.SGD(lr=lr), "momentum": optim.SGD(lr=lr, momentum=0.9),
                  "Nesterov": optim.SGD(lr=lr, momentum=0.9, nesterov=True),
                  "RMSProp": optim.RMSProp(lr=lr, alpha=0.99), "Adam": optim.Adam(lr=lr_adam)}
    return run_all(optimizers, Saddle(bounded=True), start=(1.5, 0.0), steps=_RACE_STEPS,
                   noise=noise, seed=0)


def _sgd_reaches_minimum(lr):
    path = run(optim.SGD(lr=lr), _RACE_QUADRATIC, (-2.5, 1.5), _RACE_STEPS)
    return (not path.diverged and path.losses[-1] - _RACE_QUADRATIC.f_min < 1e-6), path


def check_stability_edge(largest_converging_lr, lambda_max):
    """Exercise check (08, 3a): print one verdict for each answer."""
    for ok, message in stability_edge_verdicts(largest_converging_lr, lambda_max):
        print(message)


def stability_edge_verdicts(largest_converging_lr, lambda_max):
    """[(ok, message), (ok, message)]: is ``largest_converging_lr`` a rate at which SGD reaches the
    minimum of the race's quadratic in 200 steps while one notch higher it does not, and is
    ``lambda_max`` the largest eigenvalue of that quadratic's Hessian?"""
    name = "largest_converging_lr"
    try:
        lr = float(largest_converging_lr)
    except (TypeError, ValueError):
        first = _say(False, f"Wrong: {name} should be a number, got "
                            f"{type(largest_converging_lr).__name__}.", "")
    else:
        if lr == 0:
            first = _say(False, f"Not yet: {name} is still the placeholder 0. Find it with the race.", "")
        elif not 0 < lr < 1:
            first = _say(False, f"Wrong: {name} = {lr:g} is outside the slider's range (0, 1).", "")
        else:
            ok_here, path = _sgd_reaches_minimum(lr)
            ok_next, _ = _sgd_reaches_minimum(lr * _NOTCH)
            if ok_here and not ok_next:
                first = _say(True, f"Correct: at {lr:.3g} SGD reaches the minimum in 200 steps; one "
                                   f"notch higher it does not.", "")
            elif ok_here:
                first = _say(False, f"Wrong: one notch higher, at {lr * _NOTCH:.3g}, SGD still reaches "
                                    f"the minimum.", "raise the SGD slider until the next notch fails.")
            else:
                what = (f"diverges at step {path.diverged_at}" if path.diverged
                        else "does not reach the minimum in 200 steps")
                first = _say(False, f"Wrong: at {lr:.3g} SGD {what}.",
                             "the rate you want is the last notch before SGD stops arriving.")
    expected = np.linalg.eigvalsh(_RACE_QUADRATIC.hessian(np.zeros(2))).max()
    second = verdict("lambda_max", lambda_max, expected,
                     hint="the Hessian of a quadratic is the same everywhere: "
                          "np.linalg.eigvalsh(surface.hessian(point)).max(); the condition number "
                          "is the largest eigenvalue over the smallest.")
    return [first, second]


def check_saddle_escapes(stuck_without_noise, escaped_with_noise):
    """Exercise check (08, 3b): print one verdict for each set of optimizer names."""
    for ok, message in saddle_escape_verdicts(stuck_without_noise, escaped_with_noise):
        print(message)


def saddle_escape_verdicts(stuck_without_noise, escaped_with_noise):
    """[(ok, message), (ok, message)]: which of the race's five optimizers end at the saddle (loss
    within 0.01 of 0) when started on the ridge without noise, and which end in a minimum (loss
    within 0.05 of -1) with noise σ = 0.1 (seed 0)?"""
    results = []
    for answer, name, noise, test in (
            (stuck_without_noise, "stuck_without_noise", 0.0, lambda loss: abs(loss) < 0.01),
            (escaped_with_noise, "escaped_with_noise", 0.1, lambda loss: abs(loss + 1) < 0.05)):
        try:
            given = set(answer)
        except TypeError:
            results.append(_say(False, f"Wrong: {name} should be a set of names, got "
                                       f"{type(answer).__name__}.", ""))
            continue
        unknown = given - set(_RACE_NAMES)
        if unknown:
            results.append(_say(False, f"Wrong: {name} holds {sorted(map(str, unknown))}; use the "
                                       f"names {list(_RACE_NAMES)}.", ""))
            continue
        if not given:
            results.append(_say(False, f"Not yet: {name} is still the empty placeholder set.", ""))
            continue
        expected = {label for label, path in _race_saddle_runs(noise).items()
                    if test(path.losses[-1])}
        if given == expected:
            results.append(_say(True, f"Correct: {name} is right.", ""))
        else:
            wrong = len(given ^ expected)
            results.append(_say(False, f"Wrong: {name} misjudges {wrong} of the 5 optimizers.",
                                "run the race on saddle with start y = 0 (and noise σ as asked) and "
                                "look at where each path ends and at its loss."))
    return results


def check_adam_without_momentum(optimizer_name, alpha):
    """Exercise check (08, 3c): print whether ``optimizer_name`` with averaging rate ``alpha``
    steps like Adam with beta1 = 0 and beta2 = 0.999."""
    print(adam_without_momentum_verdict(optimizer_name, alpha)[1])


def adam_without_momentum_verdict(optimizer_name, alpha, steps=6000):
    """(ok, message): is ``optimizer_name`` RMSProp, and after ``steps`` steps on the same
    gradients (a seeded sequence whose size jumps near the end), do RMSProp(alpha) and
    Adam(betas=(0, 0.999)) take the same last steps (within 1%)? Early on they differ by Adam's
    bias correction only."""
    if optimizer_name in ("", None):
        return _say(False, "Not yet: the optimizer's name is still the placeholder.", "")
    if optimizer_name not in _RACE_NAMES:
        return _say(False, f"Wrong: {optimizer_name!r} is not one of {list(_RACE_NAMES)}.", "")
    if optimizer_name != "RMSProp":
        return _say(False, f"Wrong: {optimizer_name} does not scale each coordinate by a running "
                           f"average of g**2, as Adam still does with beta1 = 0.", "")
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        return _say(False, f"Wrong: alpha should be a number, got {type(alpha).__name__}.", "")
    if alpha == 0:
        return _say(False, "Not yet: alpha is still the placeholder 0.", "")
    if not 0 < alpha < 1:
        return _say(False, f"Wrong: alpha = {alpha:g}; RMSProp's alpha lies between 0 and 1.", "")
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((steps, 2)) * np.where(np.arange(steps) < steps - 20, 1.0, 10.0)[:, None]
    moves = []
    for optimizer in (optim.Adam(lr=0.01, betas=(0.0, 0.999)), optim.RMSProp(lr=0.01, alpha=alpha)):
        p, last = np.zeros(2), []
        for g in grads:
            before = p.copy()
            optimizer.step([p], [g])
            last.append(p - before)
        moves.append(np.array(last[-40:]))
    gap = np.abs(moves[0] - moves[1]).max() / np.abs(moves[0]).max()
    if gap < 0.01:
        return _say(True, f"Correct: RMSProp with alpha = {alpha:g} takes Adam's steps (beta1 = 0).", "")
    return _say(False, f"Wrong: with alpha = {alpha:g} RMSProp's steps differ from Adam's by up to "
                       f"{gap:.0%}.", "with beta1 = 0, m is just the gradient; which of Adam's "
                                      "averages is then RMSProp's running average of g**2?")


# ---- notebook 01: the reference values are computed here, out of the student's sight ----------

def check_forward_by_hand(forward_by_hand, xs=(-2.0, -0.5, 1.0, 3.0)):
    """Notebook 01, Exercise 1: ``forward_by_hand(x)`` against the running example's output a9."""
    from .graphnet import running_example
    expected = [running_example().forward(x)[0] for x in xs]
    check(f"forward_by_hand(x) for x in {list(xs)}", [forward_by_hand(x) for x in xs], expected,
          hint="every neuron but the input and bias neurons adds its bias weight (times 1) "
               "and applies sigmoid; the input neuron passes x on unchanged.")


def check_layer_6_7(layer_6_7):
    """Notebook 01, Exercise 2: the (W, b) of the layer that computes neurons 6, 7 from 3, 4."""
    from .graphnet import running_example
    truth = running_example().to_matrices()[1]
    answer = layer_6_7()
    if not isinstance(answer, tuple) or len(answer) != 2:
        print("Wrong: layer_6_7() should return a pair (W, b).")
        return
    W, b = answer
    check("W", W, truth["W"], hint="row r holds the weights INTO neuron [6, 7][r] (they belong "
          "to the receiving neuron), column c those FROM neuron [3, 4][c]; a missing edge is 0.")
    check("b", b, truth["b"], hint="b holds the weights from bias neuron 5 into 6 and 7.")


# ---- notebook 02 -------------------------------------------------------------------------------

V_WEIGHTS = [np.array([[-3.0, 3.0], [3.0, 3.0]]), np.array([3.0, 3.0]),
             np.array([[6.0, 6.0]]), np.array([-9.0])]   # the hand-made V of notebook 02's recipe


def check_output_for_one_point(output_for_one_point, point=(0.5, 1.0)):
    """Notebook 02, Exercise 1: the 2-2-1 sigmoid network's y_hat for one point, with the V weights."""
    x = np.asarray(point, dtype=np.float64)
    W1, b1, W2, b2 = V_WEIGHTS
    a1 = 1 / (1 + np.exp(-(W1 @ x + b1)))
    expected = float((1 / (1 + np.exp(-(W2 @ a1 + b2))))[0])
    check(f"y_hat at x = {tuple(point)}", output_for_one_point(x, *[w.copy() for w in V_WEIGHTS]),
          expected, hint="a1 = sigmoid(W1 @ x + b1), then y_hat = sigmoid(W2 @ a1 + b2).")


# ---- notebook 09: dropout, weight decay, early stopping ------------------------------------------

def _dropout_case():
    """A batch a (6, 5), the kept entries ``keep`` (True = kept), the rate and a gradient g."""
    rng = np.random.default_rng(9)
    return rng.normal(size=(6, 5)), rng.random((6, 5)) >= 0.4, 0.4, rng.normal(size=(6, 5))


def check_dropout(dropout_forward, dropout_backward):
    """Exercise check (09, 1): print one verdict for the forward pass and one for the backward."""
    for ok, message in dropout_verdicts(dropout_forward, dropout_backward):
        print(message)


def dropout_verdicts(dropout_forward, dropout_backward):
    """[(ok, message), (ok, message)]: inverted dropout's output keep * a / (1 - rate), and its
    backward pass keep * g / (1 - rate), on a batch of the check's own."""
    a, keep, rate, g = _dropout_case()
    scale = keep / (1 - rate)
    return [verdict("dropout_forward(a, keep, rate)", dropout_forward(a.copy(), keep.copy(), rate),
                    scale * a, hint="zero the dropped entries and divide the kept ones by "
                                    "1 - rate, so that the mean of every unit stays the same."),
            verdict("dropout_backward(g, keep, rate)", dropout_backward(g.copy(), keep.copy(), rate),
                    scale * g, hint="the output is a times a constant mask, so the gradient is g "
                                    "times the same mask.")]


def check_weight_decay_step(weight_decay_step, equivalent_l2, steps=5):
    """Exercise check (09, 2): print the verdicts on the update rule and on the matching l2."""
    for ok, message in weight_decay_verdicts(weight_decay_step, equivalent_l2, steps):
        print(message)


def weight_decay_verdicts(weight_decay_step, equivalent_l2, steps=5):
    """[(ok, message), (ok, message)]: does ``weight_decay_step(w, g, lr, lam)`` take the steps of
    the chapter's w <- (1 - lr lam) w - lr g (``optim.SGD(weight_decay=lam)`` gives them too) on a
    sequence of gradients, and is ``equivalent_l2`` the l2 of ``fit(..., l2=)`` that takes the same
    steps as weight decay 0.01?"""
    rng = np.random.default_rng(3)
    w, lr, lam = rng.normal(size=4), 0.1, 0.05
    p = w.copy()
    opt = optim.SGD(lr=lr, weight_decay=lam)
    mine, expected = [], []
    for _ in range(steps):
        g = rng.normal(size=4)
        w = np.asarray(weight_decay_step(w.copy(), g.copy(), lr, lam), dtype=np.float64)
        opt.step([p], [g])
        mine.append(w)
        expected.append(p.copy())
    first = verdict(f"w after {steps} steps", mine, expected,
                    hint="shrink first: (1 - lr * lam) * w, then take the gradient step - lr * g.")
    second = verdict("equivalent_l2", equivalent_l2, 0.01 / 2,
                     hint="the gradient of l2 * ||W||^2 is 2 * l2 * W; weight decay lam adds lam * W.")
    return [first, second]


def check_early_stopping_reading(best_epoch, stopped_epoch, history, patience):
    """Exercise check (09, 3): print the verdicts on the two epochs read from the curve."""
    for ok, message in early_stopping_verdicts(best_epoch, stopped_epoch, history, patience):
        print(message)


def early_stopping_verdicts(best_epoch, stopped_epoch, history, patience):
    """[(ok, message), (ok, message)]: ``best_epoch`` is the epoch of the lowest validation loss
    (within 2 epochs: it is read from a plot), and ``stopped_epoch`` the epoch at which training
    stopped, ``patience`` epochs later (within 2)."""
    val = np.asarray(history.val_loss)
    best = int(np.argmin(val))
    stopped = best + patience
    results = []
    for name, answer, expected, hint in (
            ("best_epoch", best_epoch, best, "the weights kept are those of the lowest point of the "
                                             "validation curve, not of the training curve."),
            ("stopped_epoch", stopped_epoch, stopped, "training goes on for `patience` more epochs "
                                                      "after the best one, looking for a better one.")):
        try:
            answer = float(answer)
        except (TypeError, ValueError):
            results.append(_say(False, f"Wrong: {name} should be a number of epochs, got "
                                       f"{type(answer).__name__}.", ""))
            continue
        if answer == 0:
            results.append(_say(False, f"Not yet: {name} is still the placeholder 0. Read it from "
                                       f"the figure.", ""))
        elif abs(answer - expected) <= 2:
            results.append(_say(True, f"Correct: {name} is right (within 2 epochs).", ""))
        else:
            results.append(_say(False, f"Wrong: {name} = {answer:g} is more than 2 epochs off.", hint))
    return results



# ---- notebook 10: boolean functions and composed tent maps ---------------------------------------

def _boolean_tables():
    """(name, truth table) of the functions the boolean exercise is checked on."""
    from .expressivity import all_inputs, parity

    bits = all_inputs(3)
    return [("majority of 3 bits", (bits.sum(axis=1) >= 2).astype(float)),
            ("x1 and not x3", bits[:, 0] * (1 - bits[:, 2])),
            ("parity of 3 bits", parity(3)),
            ("a function of 4 bits", np.array([0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1.0]))]


def check_boolean_weights(boolean_weights):
    """Exercise check: print whether ``boolean_weights(truth_table) -> (W1, b1, W2, b2)`` gives a
    network [n, m, 1] (ReLU hidden units, identity output) that answers 1 exactly on the true
    patterns, for a few truth tables."""
    print(boolean_weights_verdict(boolean_weights)[1])


def boolean_weights_verdict(boolean_weights):
    """(ok, message) for the one-unit-per-true-pattern construction, on several truth tables."""
    from . import nn
    from .expressivity import all_inputs

    hint = ("one unit per pattern p with answer 1: weights 2p - 1 (+1 for a 1, -1 for a 0), bias "
            "1/2 - (number of 1s in p); output weights 2, output bias 0.")
    for name, table in _boolean_tables():
        n = int(np.log2(len(table)))
        try:
            W1, b1, W2, b2 = (np.asarray(w, dtype=np.float64) for w in boolean_weights(table.copy()))
        except (TypeError, ValueError) as err:
            return _say(False, f"Wrong: boolean_weights should return four arrays (W1, b1, W2, b2) "
                               f"of numbers ({err}).", hint)
        m = len(W1) if W1.ndim == 2 else 0
        shapes = [(m, n), (m,), (1, m), (1,)]
        if m == 0 or [w.shape for w in (W1, b1, W2, b2)] != shapes:
            return _say(False, f"Wrong: for {name} the shapes should be W1 (m, {n}), b1 (m,), W2 "
                               f"(1, m), b2 (1,) with m >= 1 hidden units; got "
                               f"{[w.shape for w in (W1, b1, W2, b2)]}.", hint)
        if not any(np.any(w) for w in (W1, b1, W2, b2)):
            return _say(False, "Not yet: the weights are still the placeholder (all zeros). "
                               "Fill in the stub above.", "")
        net = nn.MLP([n, m, 1], hidden="relu", output="identity")
        net.set_weights([W1, b1, W2, b2])
        answers = (net.forward(all_inputs(n))[:, 0] > 0.5).astype(float)
        wrong = np.flatnonzero(answers != table)
        if len(wrong):
            k = wrong[0]
            return _say(False, f"Wrong: for {name} your network answers {int(answers[k])} on input "
                               f"{all_inputs(n)[k].astype(int).tolist()}, expected {int(table[k])} "
                               f"({len(wrong)} of {len(table)} answers differ).", hint)
    return _say(True, "Correct: your network gives the right answer on every input of "
                      f"{len(_boolean_tables())} truth tables.", "")


def check_tent_pieces(tent_pieces):
    """Exercise check: print whether ``tent_pieces(k)`` is the number of straight pieces of the
    tent map composed k times, on [0, 1], for k = 1 .. 10."""
    print(tent_pieces_verdict(tent_pieces)[1])


def tent_pieces_verdict(tent_pieces):
    """(ok, message): the counts measured with ``count_linear_regions`` on ``tent_network(k)``."""
    from .expressivity import count_linear_regions, tent_network

    ks = range(1, 11)
    expected = [count_linear_regions(tent_network(k), 0.0, 1.0) for k in ks]
    return verdict("tent_pieces(k) for k = 1 .. 10", [tent_pieces(k) for k in ks], expected,
                   hint="each tent doubles the number of pieces: every piece of the sawtooth "
                        "before runs once up and once down through [0, 1].")


# ---- notebook 11: softmax cross-entropy, the confusion matrix ------------------------------------

def _logit_rows():
    """Rows of logits z (k = 10) and labels c the gradient exercise is checked on, large ones included."""
    rng = np.random.default_rng(11)
    Z = rng.normal(scale=3.0, size=(4, 10))
    Z[3] += 1000.0   # logits near 1000: exp(z) overflows unless the maximum is subtracted
    return Z, np.array([3, 0, 9, 5])


def check_softmax_ce_gradient(ce_gradient):
    """Exercise check (11, 1): print whether ``ce_gradient(z, c)`` is dL/dz of
    L = -log softmax(z)_c for one row of logits z, on rows of the check's own."""
    print(softmax_ce_gradient_verdict(ce_gradient)[1])


def softmax_ce_gradient_verdict(ce_gradient):
    """(ok, message): the answers against softmax(z) - e_c computed here, row by row."""
    Z, labels = _logit_rows()
    got, expected = [], []
    for z, c in zip(Z, labels):
        e = np.exp(z - z.max())
        expected.append(e / e.sum() - np.eye(len(z))[c])
        with np.errstate(all="ignore"):
            got.append(ce_gradient(z.copy(), int(c)))
    return verdict("ce_gradient(z, c) on 4 rows of 10 logits", got, expected, rtol=1e-6, atol=1e-9,
                   hint="dL/dz_k = softmax(z)_k - [k = c]: the probabilities, minus 1 at the true "
                        "class. Subtract max(z) before exp so that large logits do not overflow.")


def check_confusion_reading(true_digit, predicted_digit, C):
    """Exercise check (11, 2): print whether (true_digit, predicted_digit) is the largest count
    off the diagonal of the confusion matrix C."""
    print(confusion_reading_verdict(true_digit, predicted_digit, C)[1])


def confusion_reading_verdict(true_digit, predicted_digit, C):
    """(ok, message): the cell (true, predicted) off the diagonal with the largest count (any of
    them when several share it)."""
    C = np.asarray(C)
    off = C.copy()
    np.fill_diagonal(off, -1)
    largest = off.max()
    hint = ("rows are the true digits, columns the predictions; look for the largest number off "
            "the diagonal and read its row first, then its column.")
    try:
        i, j = int(true_digit), int(predicted_digit)
    except (TypeError, ValueError):
        return _say(False, "Wrong: true_digit and predicted_digit should be digits 0-9, got "
                           f"{true_digit!r} and {predicted_digit!r}.", hint)
    if i == j == 0:
        return _say(False, "Not yet: the answer is still the placeholder (0, 0). Read it from the "
                           "confusion matrix.", "")
    if not (0 <= i < len(C) and 0 <= j < len(C)) or i == j:
        return _say(False, f"Wrong: ({i}, {j}) is not a cell off the diagonal of the matrix.", hint)
    if off[i, j] == largest:
        return _say(True, f"Correct: {C[i, j]} images of a {i} were taken for a {j}, the largest "
                          f"count off the diagonal.", "")
    if off[j, i] == largest:
        return _say(False, f"Wrong: the other way round. {C[i, j]} images of a {i} were taken for "
                           f"a {j}, but {C[j, i]} of a {j} for a {i}.", hint)
    return _say(False, f"Wrong: {C[i, j]} images of a {i} were predicted as {j}; another cell off "
                       f"the diagonal holds {largest}.", hint)


def check_per_class_accuracy(class_accuracy, C):
    """Exercise check (11, 3): print whether ``class_accuracy(C)`` gives the share of each true
    class predicted right, on the notebook's matrix C and on one of the check's own."""
    print(per_class_accuracy_verdict(class_accuracy, C)[1])


def per_class_accuracy_verdict(class_accuracy, C):
    """(ok, message): the answers against C[i, i] / sum_j C[i, j], on C and a small matrix whose
    row and column sums differ (so the column sums, the precision, give another answer)."""
    small = np.array([[5, 1, 0], [3, 2, 1], [0, 0, 4]])
    got, expected = [], []
    for M in (np.asarray(C), small):
        got.append(np.ravel(class_accuracy(M.copy())))
        expected.append(np.diag(M) / M.sum(axis=1))
    try:
        got = np.concatenate([np.asarray(g, dtype=np.float64) for g in got])
    except (TypeError, ValueError):
        return _say(False, "Wrong: class_accuracy(C) should return one number per class.", "")
    return verdict("class_accuracy(C)", got, np.concatenate(expected),
                   hint="row i holds the images whose true class is i: divide the diagonal entry by "
                        "the sum of its row, not of its column.")


# ---- notebook 12: a convolution backward, attention weights ------------------------------------

def _conv_case(seed):
    """(g, x, w) for the convolution exercise: 3 sequences of length 7, a filter of 3 weights."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(3, 5)), rng.normal(size=(3, 7)), rng.normal(size=3)


def check_conv1d_backward(conv1d_backward):
    """Exercise check: print whether ``conv1d_backward(g, x, w) -> (dw, dx)`` gives the gradients
    of a one-channel 1-D convolution z[:, t] = sum_j w[j] x[:, t + j] (x (n, L), w (k,),
    g = dL/dz (n, L - k + 1)), on two random cases."""
    for line in conv1d_backward_verdicts(conv1d_backward):
        print(line[1])


def conv1d_backward_verdicts(conv1d_backward):
    """[(ok, message) for dL/dw, (ok, message) for dL/dx], against ``conv.Conv1D``'s backward."""
    from .conv import Conv1D

    results = []
    for seed in (0, 1):
        g, x, w = _conv_case(seed)
        layer = Conv1D(1, 1, len(w))
        layer.params["W"][0, 0] = w
        layer.forward(x[:, None, :])
        dx = layer.backward(g[:, None, :])[:, 0]
        try:
            got_dw, got_dx = conv1d_backward(g.copy(), x.copy(), w.copy())
        except (TypeError, ValueError) as err:
            return [_say(False, f"Wrong: conv1d_backward should return two arrays (dw, dx) ({err}).", "")] * 2
        results = [verdict("dL/dw", got_dw, layer.grads["W"][0, 0],
                           hint="weight j meets x[:, t + j] at every output t: add g[:, t] * "
                                "x[:, t + j] over the batch and over t."),
                   verdict("dL/dx", got_dx, dx,
                           hint="input position t + j fed output t through weight j: add "
                                "g[:, t] * w[j] into dx[:, t + j] for every t and j.")]
        if not all(ok for ok, _ in results):
            break
    return results


def check_attention_weights(attention_weights):
    """Exercise check: print whether ``attention_weights(Q, K)`` is softmax(Q K^T / sqrt(d)),
    row by row, on two random cases."""
    print(attention_weights_verdict(attention_weights)[1])


def attention_weights_verdict(attention_weights):
    """(ok, message) against ``attention.attention``'s weights."""
    from .attention import attention

    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        Q, K = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
        expected = attention(Q, K, np.zeros((5, 1)))[1]
        result = verdict("A", attention_weights(Q.copy(), K.copy()), expected,
                         hint="scores S = Q K^T / sqrt(d) with d = Q.shape[1] (one row per query), "
                              "then a softmax along each row: exp(S - row max) / its row sum.")
        if not result[0]:
            return result
    return result
