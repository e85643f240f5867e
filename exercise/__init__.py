"""tabletop: a tabletop policy-exercise engine."""

__version__ = "0.1.0"
