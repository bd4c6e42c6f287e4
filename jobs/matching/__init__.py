"""Fair matching of members to open seats: load (DB -> arrays), engine (pure NumPy/SciPy), services.

See docs/decisions/008-matching-model.md for the model and its approximations.
"""
