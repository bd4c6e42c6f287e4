"""A local fake Stripe API server (see app.py): a development tool for `make run` and the tests.

Only ever imported by development code (this package, the demo seed, the tests); production code
may not import it (import-linter), and settings refuse STRIPE_FAKE=on with ENV=production.
"""
