"""A stand-in for another computer's numpy, used by `.ci/run` (never installed, never imported by
nbtools): with NBTOOLS_ULP_PROBE=<salt> set and this folder on PYTHONPATH, numpy's exp, log, sin
and the other functions that are not correctly rounded give results off by up to 2 units in the
last place, the way numpy's SIMD code differs between CPUs (with and without AVX-512, on ARM).

The error is a fixed function of the input bits and the salt, so a run is still reproducible,
and the same input gives the same output within a run. Results that are whole numbers (exp(0) = 1,
log10(1000) = 3, tanh(50) = 1) stay exact, as in any implementation whose error is below 1 ulp. Every test and every notebook's saved
output must come out the same: a printed number that changes here hangs on the last bits of a
chaotic or barely converged computation.
"""
import os

_SALT = os.environ.get("NBTOOLS_ULP_PROBE")

if _SALT:
    import numpy as np

    _MIX = np.uint64(0x9E3779B97F4A7C15)
    _salt = np.uint64(int(_SALT) % 2**64) * _MIX

    class _OffByAFewUlp:
        """Calls the ufunc, then moves each float64 result that is not a whole number by up to
        2 ulp (by a hash of the input)."""

        def __init__(self, ufunc):
            self._ufunc = ufunc

        def __getattr__(self, name):  # .outer, .reduce, .nin, ... of the real ufunc
            return getattr(self._ufunc, name)

        def __call__(self, *args, **kwargs):
            result = self._ufunc(*args, **kwargs)
            if kwargs.get("out") is not None or np.asarray(result).dtype != np.float64:
                return result
            try:
                x = np.broadcast_to(np.asarray(args[0], dtype=np.float64), np.shape(result))
            except (ValueError, TypeError):
                return result
            bits = np.ascontiguousarray(x).view(np.uint64).reshape(np.shape(result))
            with np.errstate(over="ignore"):
                k = (((bits ^ _salt) * _MIX) >> np.uint64(59)) % np.uint64(5)
            exact = np.asarray(result)
            with np.errstate(invalid="ignore"):
                moved = np.where(exact == np.round(exact), exact,
                                 exact * (1.0 + (k.astype(np.float64) - 2.0) * 2.0**-53))
            return moved if isinstance(result, np.ndarray) else np.float64(moved)

    for _name in ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp",
                  "sin", "cos", "tan", "arctan", "arctan2", "sinh", "cosh", "tanh", "power"):
        setattr(np, _name, _OffByAFewUlp(getattr(np, _name)))
