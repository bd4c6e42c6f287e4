"""Fair matching of members to open seats: load (DB -> arrays), engine (pure NumPy/SciPy), services.

See docs/decisions/001-matching-model.md for the model and its approximations.
"""
