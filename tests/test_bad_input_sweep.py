"""Property-based sweep: malformed arrays at the public functions give a right answer or a clear error.

Each function below is fed junk: arrays of any small shape (empty ones too) holding floats with NaN
and inf, integers, booleans, complex numbers, text or Python objects, and also None, strings and
ragged lists. It must either return a float result of the right shape, or raise a ValueError or
TypeError (never an AttributeError, IndexError, ZeroDivisionError, numpy AxisError, OverflowError,
a broadcasting error, or a complex or object array passed through).
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nbtools import blocks, data, gradcheck, landscapes, layers, losses, netslice, nn, optim, training

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
CASTS = {
    "float": lambda a: a, "int": lambda a: np.nan_to_num(a).clip(-9, 9).astype(np.int64),
    "bool": lambda a: a > 0, "complex": lambda a: a + 1j, "text": lambda a: a.astype(str),
    "object": lambda a: a.astype(object), "list": lambda a: a.tolist(),
}
JUNK = st.one_of(
    st.builds(lambda a, cast: CASTS[cast](a), hnp.arrays(np.float64, SHAPES, elements=FLOATS),
              st.sampled_from(sorted(CASTS))),
    st.sampled_from([None, "x", [[1.0, 2.0], [3.0]], [[None, 1.0]], 3.0]),
)
SWEEP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLEAR = (ValueError, TypeError)


def _ran(dense):
    dense.forward(np.ones((4, 2)))
    return dense


def _fit(X, y):
    return training.fit(nn.MLP([2, 3, 1], seed=0), X, y, epochs=1, progress=False).train_loss


CALLS = {  # name: (function of one junk array x, and a second one y)
    "Dense.forward": lambda x, y: layers.Dense(2, 3).forward(x),
    "Dense.backward": lambda x, y: _ran(layers.Dense(2, 3)).backward(x),
    "Tanh.forward": lambda x, y: layers.Tanh().forward(x),
    "Softmax.forward": lambda x, y: layers.Softmax().forward(x),
    "BatchNorm.forward": lambda x, y: blocks.BatchNorm(2).forward(x),
    "Residual.forward": lambda x, y: blocks.Residual([layers.Dense(2, 2), layers.ReLU()]).forward(x),
    "MLP.forward": lambda x, y: nn.MLP([2, 3, 1]).forward(x),
    "MLP.backward": lambda x, y: (lambda net: (net.forward(np.ones((4, 2))), net.backward(x))[1])(nn.MLP([2, 3, 1])),
    "Sequential.predict": lambda x, y: blocks.deep_net(2, 3).predict(x),
    "bce": lambda x, y: losses.BinaryCrossEntropy()(x, y),
    "bce logits": lambda x, y: losses.BinaryCrossEntropy()(x, y, logits=True),
    "cross_entropy": lambda x, y: losses.SoftmaxCrossEntropy()(x, y),
    "cross_entropy logits": lambda x, y: losses.SoftmaxCrossEntropy()(x, y, logits=True),
    "mse": lambda x, y: losses.MeanSquaredError()(x, y),
    "evaluate": lambda x, y: training.evaluate(nn.MLP([2, 3, 1]), x, y),
    "fit": _fit,
    "relative_error": lambda x, y: gradcheck.relative_error(x, y),
    "check_layer": lambda x, y: gradcheck.check_layer(layers.Dense(2, 2), x),
    "Adam.step": lambda x, y: optim.Adam(lr=0.1).step([np.ones((2, 2))], [x]),
    "standardize": lambda x, y: data.standardize(x)[0],
    "one_hot": lambda x, y: data.one_hot(x),
    "train_val_split": lambda x, y: data.train_val_split(x, y)[0],
    "Rosenbrock.grad": lambda x, y: landscapes.Rosenbrock().grad(x),
    "flatten": lambda x, y: netslice.flatten([x]),
    "unflatten": lambda x, y: netslice.unflatten(x, [np.ones((2, 2)), np.ones(1)]),
}


@pytest.mark.filterwarnings("error:Casting complex values to real discards the imaginary part")
@pytest.mark.parametrize("name", sorted(CALLS))
@SWEEP
@given(x=JUNK, y=JUNK)
def test_junk_gives_a_real_result_or_a_clear_error(name, x, y):
    with np.errstate(all="ignore"):  # NaN and inf may pass through layers, as in PyTorch
        try:
            out = CALLS[name](x, y)
        except CLEAR as err:
            assert str(err)  # says something
            return
    for value in out if isinstance(out, (list, tuple)) else [out]:
        if isinstance(value, (int, float, np.integer, np.floating)):
            continue
        assert isinstance(value, (np.ndarray, dict, type(None))), type(value)
        if isinstance(value, np.ndarray):
            assert value.dtype.kind in "fiub", value.dtype  # never complex, text or objects
