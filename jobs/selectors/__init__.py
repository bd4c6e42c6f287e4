"""Reads for jobs, split by subject: jobs.py, offers.py, schedule.py. Each owns its joins so a page
costs the same number of queries for 1 row and for 500."""
