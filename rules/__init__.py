"""Rule modules: one rule each, format-blind, documented in their docstrings (see linter/engine.py)."""
