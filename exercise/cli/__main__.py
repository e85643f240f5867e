"""`python -m exercise.cli`: the same as the `ttx` command."""

import sys

from exercise.cli import main

sys.exit(main())
