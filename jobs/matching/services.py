"""Writes of matching: run one round for a coop (offers for all open seats at once)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from coop.audit import audit_record
from coop.models import Cooperative
from coop.rulebook.book import Rulebook
from jobs.matching import engine
from jobs.matching.load import open_shifts, problem_load
from jobs.models import MatchingRound, Offer

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(namespace, coop id): one running round per coop. An advisory lock instead of
# SELECT ... FOR UPDATE on the coop row, so a long round never blocks other writers of that row.
ROUND_LOCK_NAMESPACE = 31_003


def _round_lock(coop: Cooperative) -> None:
    """Serialise rounds of one coop until the transaction ends.

    The race: two rounds (beat + a coordinator's button) read the same open seats and both offer
    them. The second waits here and only then reads the seats, so it sees the first one's offers.
    SQLite has no row or advisory locks; its IMMEDIATE transactions already serialise writers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROUND_LOCK_NAMESPACE, coop.pk])
    else:
        list(Cooperative.objects.select_for_update().filter(pk=coop.pk).values_list("pk"))


def _offer_expiry(*, now: dt.datetime, hours: int, shift_date: dt.date, shift_start: dt.time) -> dt.datetime:
    """Now + the rulebook's answer time, but never after the shift starts."""
    starts = timezone.make_aware(dt.datetime.combine(shift_date, shift_start), timezone.get_current_timezone())
    return min(now + dt.timedelta(hours=hours), starts)


def matching_round_run(*, coop: Cooperative, trigger: str, actor: Any | None = None) -> MatchingRound:
    """Offer all open seats of the coop's open future shifts in one global assignment.

    Stores the round (rule version, counts, timings, why seats stayed open) and one pending offer
    per pick; e-mails go out after commit. Safe to run twice: seats already offered are not open.
    Raises NoRuleVersion if the coop has no rules in force.
    """
    started = time.perf_counter()
    with transaction.atomic():
        _round_lock(coop)
        now = timezone.now()
        local_now = timezone.localtime(now)
        rules = Rulebook.for_coop(coop)
        version, values = rules.version(local_now.date()), rules.values(local_now.date())
        t = time.perf_counter()
        loaded = problem_load(
            coop=coop, values=values, rules=rules, shifts=open_shifts(coop, now=local_now), today=local_now.date()
        )
        load_seconds = time.perf_counter() - t
        before = loaded.problem.copy()
        result = engine.solve(loaded.problem)
        problem = loaded.problem

        unfilled = []
        for s in [int(i) for i in (result.unfilled > 0).nonzero()[0]]:
            unfilled.append(
                {
                    "shift": int(loaded.shift_ids[s]),
                    "open": int(before.shift_seats[s]),
                    "left": int(result.unfilled[s]),
                    "funnel": engine.funnel(before, s),
                }
            )
        round_ = MatchingRound.objects.create(
            coop=coop,
            rule_version=version,
            trigger=trigger,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            finished_at=timezone.now(),
            open_seats=int(result.stats["open_seats"]),
            offers_made=len(result.picks),
            unfilled_seats=int(result.stats["unfilled"]),
            stats={
                "members": problem.n_members,
                "shifts": problem.n_shifts,
                "coops_in_scope": [c.pk for c in loaded.coops],
                "engine": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.stats.items()},
                "seconds_load": round(load_seconds, 4),
                "seconds_total": round(time.perf_counter() - started, 4),
                "weights": {name: float(values[f"matching_weight_{name}"]) for name in engine.COMPONENTS},
                "max_hours_per_week": values["max_hours_per_week"],
                "unfilled": unfilled,
            },
        )
        expiry_hours = int(values["offer_expiry_hours"])
        offers = []
        for pick in result.picks:
            shift_id = int(loaded.shift_ids[pick.shift])
            shift_date = loaded.days[int(before.shift_day[pick.shift])]
            start_minutes = int(before.shift_start[pick.shift])
            shift_start = dt.time(start_minutes // 60, start_minutes % 60)
            offers.append(
                Offer(
                    shift_id=shift_id,
                    member_id=int(loaded.member_ids[pick.member]),
                    round=round_,
                    status=Offer.Status.PENDING,
                    score=Decimal(str(round(pick.score, 4))),
                    reasons={"components": pick.components, "phase": pick.phase, "rule_version": version.number},
                    expires_at=_offer_expiry(
                        now=now, hours=expiry_hours, shift_date=shift_date, shift_start=shift_start
                    ),
                )
            )
        Offer.objects.bulk_create(offers)
        offer_ids = list(Offer.objects.filter(round=round_).order_by("pk").values_list("pk", flat=True))
        audit_record(
            actor=actor,
            action="matching.round_run",
            subject=round_,
            coop=coop,
            data={
                "trigger": trigger,
                "rule_version": version.number,
                "open_seats": round_.open_seats,
                "offers_made": round_.offers_made,
                "unfilled_seats": round_.unfilled_seats,
            },
        )
        _notify_on_commit(offer_ids)
    return round_


def _notify_on_commit(offer_ids: list[int]) -> None:
    """Queue the offer e-mails after commit (the lock is released before anything is sent)."""
    if not offer_ids:
        return
    try:
        from jobs.notifications import offers_notify_on_commit
    except ImportError:  # pragma: no cover - the notifications module ships with jobs
        logger.warning("jobs.notifications is missing; %d offers were made without e-mail", len(offer_ids))
        return
    offers_notify_on_commit(offer_ids)
