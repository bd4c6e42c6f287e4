"""Named personas: the people every test can call on.

Kanaleneiland (coop A) and Lunetten (coop B) are two neighbourhood coops in one installation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings

from coop.models import Cooperative
from members.models import Business, Member, Role, User
from tests.factories import (
    ActiveMemberFactory,
    AppliedMemberFactory,
    CooperativeFactory,
    UserFactory,
    business_with_contact,
    staff_user,
)

# Two cores shared by many processes: a wall-clock deadline per example only makes tests flaky.
hypothesis_settings.register_profile("wijkwerk", deadline=None)
hypothesis_settings.load_profile("wijkwerk")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `@pytest.mark.postgres` tests on SQLite, saying why (never silently)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL (locks, constraints, triggers); this run uses {connection.vendor}: "
        "set DATABASE_URL=postgres://... to run it"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate-limit counters (allauth) live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _legal_tables(request: pytest.FixtureRequest) -> None:
    """The legal tables come from a data migration; a transactional test's flush empties them.

    Put them back (idempotently) before every test that uses the database, so a test never
    depends on whether a `transaction=True` test ran before it.
    """
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server"} & names or (marker is not None and marker.kwargs.get("transaction"))
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    from coop.rulebook.legal_tables import legal_tables_ensure
    from coop.rulebook.models import MinimumWage

    if not MinimumWage.objects.exists():
        legal_tables_ensure()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def kanaleneiland(db: None) -> Cooperative:
    return CooperativeFactory(
        name="Kanaleneiland", slug="kanaleneiland", postcode_areas=["3526", "3527"], invoice_prefix="KAN"
    )


@pytest.fixture
def lunetten(db: None) -> Cooperative:
    return CooperativeFactory(
        name="Lunetten", slug="lunetten", postcode_areas=["3523"], invoice_prefix="LUN", postcode="3523AB"
    )


@pytest.fixture
def fatima(kanaleneiland: Cooperative) -> Member:
    """An active member of Kanaleneiland who works several small jobs."""
    user = UserFactory(email="fatima@example.nl", first_name="Fatima", last_name="El Amrani")
    return ActiveMemberFactory(user=user, coop=kanaleneiland)


@pytest.fixture
def jan(lunetten: Cooperative) -> Member:
    """An active member of Lunetten (the other coop)."""
    user = UserFactory(email="jan@example.nl", first_name="Jan", last_name="Jansen")
    return ActiveMemberFactory(user=user, coop=lunetten, postcode="3523CD")


@pytest.fixture
def applicant(kanaleneiland: Cooperative) -> Member:
    """Someone who applied to Kanaleneiland and waits for a decision."""
    user = UserFactory(email="yusuf@example.nl", first_name="Yusuf", last_name="Demir")
    return AppliedMemberFactory(user=user, coop=kanaleneiland)


@pytest.fixture
def coordinator(kanaleneiland: Cooperative) -> User:
    """Ingrid, coordinator at the Kanaleneiland service desk."""
    return staff_user(
        kanaleneiland, Role.Kind.COORDINATOR, email="ingrid@example.nl", first_name="Ingrid", last_name="Smit"
    )


@pytest.fixture
def board_member(kanaleneiland: Cooperative) -> User:
    """Ahmed, board member of Kanaleneiland."""
    return staff_user(kanaleneiland, Role.Kind.BOARD, email="ahmed@example.nl", first_name="Ahmed", last_name="Bouzid")


@pytest.fixture
def lunetten_coordinator(lunetten: Cooperative) -> User:
    return staff_user(lunetten, Role.Kind.COORDINATOR, email="petra@example.nl", first_name="Petra", last_name="Visser")


@dataclass
class BusinessPersona:
    business: Business
    contact: User


@pytest.fixture
def bakery(kanaleneiland: Cooperative) -> BusinessPersona:
    """Bakkerij De Kanaalbakker, a local business hiring through Kanaleneiland; Kees is its contact."""
    user = UserFactory(email="kees@bakker.example.nl", first_name="Kees", last_name="Bakker")
    business, contact = business_with_contact(kanaleneiland, user)
    return BusinessPersona(business, contact)


@pytest.fixture
def lunetten_shop(lunetten: Cooperative) -> BusinessPersona:
    user = UserFactory(email="els@winkel.example.nl", first_name="Els", last_name="Winkel")
    business, contact = business_with_contact(lunetten, user)
    return BusinessPersona(business, contact)


@pytest.fixture
def outsider(db: None) -> User:
    """A logged-in user with no member, business or staff role anywhere."""
    return UserFactory(email="outsider@example.nl", first_name="Otto", last_name="Buiten")
