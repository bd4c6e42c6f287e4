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


def postgres_cpu_seconds() -> float | None:
    """CPU seconds used so far by the local PostgreSQL server: its live processes plus the reaped ones.

    Read from /proc (Linux, server on this machine). The postmaster's cutime/cstime hold the CPU
    of backends that have exited (e.g. a finished worker's connection). None when not available.
    """
    import os

    procs: dict[int, tuple[int, int, int]] = {}  # pid -> (ppid, own ticks, reaped children's ticks)
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")] not in ("postgres", "postmaster"):
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        procs[pid] = (int(fields[1]), utime + stime, cutime + cstime)
    if not procs:
        return None
    # The postmaster is the one whose parent is not PostgreSQL; only its reaped children count.
    ticks = sum(own + (reaped if ppid not in procs else 0) for ppid, own, reaped in procs.values())
    return ticks / os.sysconf("SC_CLK_TCK")
