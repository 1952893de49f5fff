"""Junk at the layers of notebook 12 (the sweep of test_bad_input_sweep): a float result of the
right shape, or a clear ValueError/TypeError, never another exception."""
import numpy as np
import pytest
from hypothesis import given

from nbtools.attention import SelfAttention, attention
from nbtools.conv import Conv1D, Conv2D, Flatten, MaxOverPositions, Reshape
from nbtools.recurrent import RNN
from test_bad_input_sweep import CLEAR, JUNK, SWEEP

LAYERS = {
    "Conv1D": lambda: Conv1D(1, 2, 2), "Conv2D": lambda: Conv2D(1, 2, 2),
    "MaxOverPositions": MaxOverPositions, "Flatten": Flatten, "Reshape": lambda: Reshape((2, -1)),
    "SelfAttention": lambda: SelfAttention(4, 3, 2), "RNN": lambda: RNN(4, 3),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
@SWEEP
@given(x=JUNK)
def test_layer_forward_with_junk(name, x):
    try:
        out = LAYERS[name]().forward(x)
    except CLEAR:
        return
    assert isinstance(out, np.ndarray) and out.dtype == np.float64


@SWEEP
@given(Q=JUNK, K=JUNK)
def test_attention_with_junk(Q, K):
    try:
        out, A = attention(Q, K, K)
    except CLEAR:
        return
    assert out.dtype == np.float64 and A.dtype == np.float64
