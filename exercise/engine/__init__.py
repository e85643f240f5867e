"""The pure domain: scenario models, expressions, rules, events, sessions, bots and simulation.

Nothing here imports the UI, the store or the reports (an import-linter contract keeps it so).
"""
