"""`python -m desktop` does exactly what the `switchboard` command does."""

import sys

from desktop.cli import main

if __name__ == "__main__":  # not when a worker process imports this as __mp_main__
    sys.exit(main())
