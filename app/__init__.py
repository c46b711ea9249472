"""LayerScope: watch a small neural network learn, layer by layer.

The package is laid out in rooms, each importing only from the rooms listed before it:

- ``errors`` and ``process`` import nothing of the app: ``InvalidInput``, the one error for
  input that cannot be used, and ``setup_process`` for a server process;
- ``nn``: the network, its optimizers, the datasets and hand-made features (NumPy only);
- ``run``: one training run: its settings, state, steps, timeline and custom points;
- ``pictures``: what the page draws of a run (the frame) and how it travels;
- ``compare``: the classical models fitted beside the network;
- ``sessions``: live sessions and where they are kept;
- ``api``: the HTTP routes, their request and response models, errors and headers;
- ``main`` builds the web app and ``cli`` serves it.
"""
