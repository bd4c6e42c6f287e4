"""Writes for jobs, split by subject: jobs.py (post, close, cancel shifts), offers.py (accept,
decline, expire), assignments.py (picked by a business, assigned by a coordinator)."""
