"""REST API of jobs: business contacts post and follow jobs; members answer offers."""
