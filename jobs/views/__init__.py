"""Pages of the jobs app, split by who uses them: business.py, member.py, office.py, feed.py."""
