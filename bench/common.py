"""Pieces every database benchmark shares: a throwaway PostgreSQL database and the benchmark coop."""

from __future__ import annotations

import datetime as dt
from typing import Any


def throwaway_database(name: str, base_url: str, *, drop_only: bool = False) -> None:
    """(Re)create database `name` on the server at `base_url` (or only drop it), closing other sessions."""
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_coop(**extra: Any) -> Any:
    """The coop every benchmark fills: Kanaleneiland, with its founding rulebook from 2025-01-01."""
    from coop.services import cooperative_create

    return cooperative_create(
        actor=None,
        founded_on=dt.date(2025, 1, 1),
        name="Kanaleneiland",
        slug="kanaleneiland",
        legal_name="Wijkcoöperatie Kanaleneiland U.A.",
        kvk_number="90000001",
        vat_id="NL000099998B57",
        iban="NL91ABNA0417164300",
        street="Marshalllaan 1",
        postcode="3527TK",
        city="Utrecht",
        email="info@kanaleneiland.example.nl",
        postcode_areas=["3526", "3527"],
        invoice_prefix="KAN",
        **extra,
    )
