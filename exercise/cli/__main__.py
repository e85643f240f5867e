"""`python -m exercise.cli`: the same as the `tabletop` command."""

import sys

from exercise.cli import main

sys.exit(main())
