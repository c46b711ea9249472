"""LayerScope: watch a small neural network learn, layer by layer."""

import numpy  # noqa: F401  (loads its BLAS, so that the limit below applies to it)
from threadpoolctl import threadpool_limits

# Every matrix here is small (at most a few thousand rows by 16 columns). BLAS threads cost
# more to wake than they save on those, and on a busy server they spin against the request
# threads: a 2-16-16-16-1 frame measured 23 ms with two BLAS threads and 0.8 ms with one.
threadpool_limits(limits=1, user_api="blas")
