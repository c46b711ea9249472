"""The maths: a multi-layer perceptron, its optimizers, the datasets and hand-made features.

NumPy only: nothing here knows about runs, pictures, sessions or HTTP.
"""
