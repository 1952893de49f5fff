"""Says which of numpy's SIMD code paths are on, and fails when NPY_DISABLE_CPU_FEATURES names
none that this numpy knows (numpy ignores unknown names without a word; the names changed across
versions: numpy 2.4 groups AVX2 and FMA3 as X86_V3 and AVX-512 as X86_V4, AVX512_ICL, AVX512_SPR).

    NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4" python .ci/cpu_features.py
"""
import os
import platform
import sys

import numpy as np

try:
    features = np._core._multiarray_umath.__cpu_features__
except AttributeError:  # numpy 1.x
    features = np.core._multiarray_umath.__cpu_features__

asked = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
known = [name for name in asked if name in features]
print(f"numpy {np.__version__}; asked to disable: {' '.join(asked) or '(nothing)'}")
print("on: " + " ".join(name for name, on in features.items() if on))
if asked and not known and platform.machine().lower() not in ("x86_64", "amd64", "i686"):
    print(f"not an x86-64 machine ({platform.machine()}): nothing to limit here")
elif asked and not known:
    sys.exit(f"none of {asked} is a CPU feature numpy {np.__version__} knows: "
             "the run would not limit anything. Known names: " + " ".join(features))
still_on = [name for name in known if features[name]]
if still_on:
    sys.exit(f"asked to disable {still_on}, but numpy still uses them")
