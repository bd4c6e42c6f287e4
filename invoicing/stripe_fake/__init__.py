"""A local fake Stripe API server (see app.py); part of the project, used by `make run` and the tests."""
