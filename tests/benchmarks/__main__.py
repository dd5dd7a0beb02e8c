"""``python -m tests.benchmarks``: the same as ``python tests/benchmarks/run.py``."""

import sys

from tests.benchmarks.run import main

if __name__ == "__main__":  # not when a worker process imports this as __mp_main__
    sys.exit(main())
