import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_marked_tests_run_only_on_postgresql():
    # On SQLite the conftest hook skips this test with a reason; if it ever runs there, it fails.
    assert connection.vendor == "postgresql"
