"""`python -m exercise`: the same as the `tabletop` command."""

import sys

from exercise.cli import main

if __name__ == "__main__":
    sys.exit(main())
