"""nbtools: the small helper package behind the notebooks.

Import the module you need explicitly, for example ``from nbtools import data, nn, optim``.
Nothing here draws random numbers, plots or changes global state at import time.
"""

__version__ = "0.1.0"
