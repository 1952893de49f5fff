"""nbtools: the small helper package behind the notebooks.

Import the module you need explicitly, for example ``from nbtools import data, nn, optim``.
Nothing here draws random numbers, plots or changes global state at import time.

The modules stand in three floors; each imports only from the floors below it:

- maths and models (numpy only): ``data``; the vectorized engine ``layers``, ``losses``, ``init``,
  ``nn``, ``blocks``, ``optim``, ``schedules``, ``training``, ``gradcheck``, ``gradstats``; the
  scalar engines ``autograd``, ``autograd_nn``, ``forward_mode`` and the neuron-level
  ``graphnet``; loss surfaces ``landscapes``, ``least_squares``, ``walks``, ``netslice``; and
  ``exercises``, which only notebooks and tests import;
- drawing (matplotlib): ``plots``, ``layerplots``, ``graphdraw``, ``gradplots``, ``pathplots``;
  each function draws once, returns its artists, and has an ``update_*`` twin;
- interactive (ipywidgets): ``live`` (``LiveFigure``, the one figure-with-controls type) and the
  ready-made sliders of ``explore_graphs``, ``explore_networks``, ``explore_gradients`` and
  ``explore_optimizers``, each of which returns a ``LiveFigure``.
"""

__version__ = "0.1.0"
