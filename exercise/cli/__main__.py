"""`python -m exercise.cli`: the same as the `tabletop` command."""

import sys

from exercise.cli import main

if __name__ == "__main__":  # importing this module (as the tests do with every module here) runs nothing
    sys.exit(main())
