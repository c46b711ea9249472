"""What the page draws of a run: the frame (every layer's panel, the decision boundary, the
network diagram, the training loop's numbers) and how it travels (JSON or packed)."""
