"""Matching, accepting an offer, a business's pick and a coordinator's hand assignment agree on every
hard constraint: each pair below is tried on all four (each in a savepoint that is rolled back), on
the real database, and they all say yes or all say no, for the same reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.rulebook.models import RuleVersion
from jobs.matching import engine
from jobs.matching.explain import CHECK_LABELS
from jobs.matching.pair import PAIR_CHECKS, REASONS, pair_load
from jobs.matching.services import matching_round_run
from jobs.models import Assignment, Job, MatchingRound, Offer, Shift
from jobs.services.assignments import assignment_create_by_business, assignment_create_by_coordinator
from jobs.services.offers import offer_accept
from members.models import Member, WorkerProfile
from tests.conftest import BusinessPersona
from tests.factories import SkillFactory, rule_version_decided
from tests.jobs.factories import OpenJobFactory, PendingOfferFactory, PlannedAssignmentFactory
from tests.jobs.matching.conftest import give_skill, member, monday_next_week, shift_on

pytestmark = pytest.mark.django_db


@dataclass
class World:
    coop: Cooperative
    other_coop: Cooperative
    job: Job
    day: dt.date


def _fits(w: World) -> tuple[Member, Shift]:
    return member(w.coop, "Anna"), shift_on(w.job, w.day)


def _paused(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    Member.objects.filter(pk=anna.pk).update(status=Member.Status.PAUSED)
    anna.refresh_from_db()
    return anna, shift


def _other_coop(w: World) -> tuple[Member, Shift]:
    return member(w.other_coop, "Lena", postcode="3523CD"), shift_on(w.job, w.day)


def _shift_cancelled(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    Shift.objects.filter(pk=shift.pk).update(status=Shift.Status.CANCELLED)
    shift.refresh_from_db()
    return anna, shift


def _job_closed(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    Job.objects.filter(pk=w.job.pk).update(status=Job.Status.CLOSED)
    shift.refresh_from_db()
    return anna, shift


def _shift_started(w: World) -> tuple[Member, Shift]:
    return member(w.coop, "Anna"), shift_on(w.job, timezone.localdate() - dt.timedelta(days=1))


def _skill_missing(w: World) -> tuple[Member, Shift]:
    w.job.required_skills.add(SkillFactory(slug="schoonmaak", name_en="Cleaning"))
    return _fits(w)


def _certificate_lapsed(w: World) -> tuple[Member, Shift]:
    hygiene = SkillFactory(slug="hygiene", name_en="Food hygiene", requires_certificate=True)
    w.job.required_skills.add(hygiene)
    anna, shift = _fits(w)
    give_skill(anna, hygiene, valid_until=w.day - dt.timedelta(days=1))
    return anna, shift


def _certificate_valid(w: World) -> tuple[Member, Shift]:
    hygiene = SkillFactory(slug="hygiene", name_en="Food hygiene", requires_certificate=True)
    w.job.required_skills.add(hygiene)
    anna, shift = _fits(w)
    give_skill(anna, hygiene, valid_until=w.day)
    return anna, shift


def _not_available(w: World) -> tuple[Member, Shift]:
    return member(w.coop, "Anna", mask=1 << 20), shift_on(w.job, w.day)  # Sunday evening only


def _works_then(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    PlannedAssignmentFactory(member=anna, shift=shift_on(w.job, w.day, (12, 0), (16, 0)))
    return anna, shift


def _offered_then(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    PendingOfferFactory(member=anna, shift=shift_on(w.job, w.day, (12, 0), (16, 0)))
    return anna, shift


def _week_full(w: World) -> tuple[Member, Shift]:
    rule_version_decided(
        coop=w.coop,
        effective_from=dt.date(2025, 6, 1),
        changes={"max_hours_per_week": 6},
        source=RuleVersion.Source.GENERAL_MEETING,
    )
    anna, shift = _fits(w)
    PlannedAssignmentFactory(member=anna, shift=shift_on(w.job, w.day, (14, 0), (18, 0)))  # 4 + 4 > 6
    return anna, shift


def _over_earnings_cap(w: World) -> tuple[Member, Shift]:
    anna = member(w.coop, "Anna", monthly_earnings_cap=eur("100.00"))  # 4 hours x 15.00 twice = 120.00
    PlannedAssignmentFactory(member=anna, shift=shift_on(w.job, w.day, (14, 0), (18, 0)))
    return anna, shift_on(w.job, w.day)


def _at_earnings_cap(w: World) -> tuple[Member, Shift]:
    anna = member(w.coop, "Anna", monthly_earnings_cap=eur("120.00"))  # exactly reaching it is allowed
    PlannedAssignmentFactory(member=anna, shift=shift_on(w.job, w.day, (14, 0), (18, 0)))
    return anna, shift_on(w.job, w.day)


def _seat_taken(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    PlannedAssignmentFactory(shift=shift, member=member(w.coop, "Bram"))
    return anna, shift


def _already_on_it(w: World) -> tuple[Member, Shift]:
    anna = member(w.coop, "Anna")
    shift = shift_on(w.job, w.day, seats=2)
    PlannedAssignmentFactory(shift=shift, member=anna)
    return anna, shift


def _travel(w: World) -> tuple[Member, Shift]:
    Job.objects.filter(pk=w.job.pk).update(postcode="3511AA")  # city centre, outside Kanaleneiland
    return member(w.coop, "Anna", max_travel=WorkerProfile.Travel.NEIGHBOURHOOD), shift_on(w.job, w.day)


def _lives_outside(w: World) -> tuple[Member, Shift]:
    rule_version_decided(
        coop=w.coop,
        effective_from=dt.date(2025, 6, 1),
        changes={"matching_neighbourhood_only": True},
        source=RuleVersion.Source.GENERAL_MEETING,
    )
    return member(w.coop, "Olaf", postcode="3511AB"), shift_on(w.job, w.day)


def _said_no_before(w: World) -> tuple[Member, Shift]:
    anna, shift = _fits(w)
    PendingOfferFactory(member=anna, shift=shift, status=Offer.Status.DECLINED)
    return anna, shift


# (case, the check that fails or None when the pair fits, a word of the staff reason)
CASES: list[tuple[Callable[[World], tuple[Member, Shift]], str | None, str]] = [
    (_fits, None, ""),
    (_paused, "active", "not an active member"),
    (_other_coop, "scope", "member of another coop"),
    (_shift_cancelled, "shift_open", "cancelled"),
    (_job_closed, "shift_open", "job is closed"),
    (_shift_started, "shift_open", "already started"),
    (_skill_missing, "skills", "Missing skill: Cleaning"),
    (_certificate_lapsed, "skills", "Certificate not valid on the shift date: Food hygiene"),
    (_certificate_valid, None, ""),
    (_not_available, "availability", "not available"),
    (_works_then, "overlap", "already works at that time"),
    (_offered_then, "overlap", "already has an offer at that time"),
    (_week_full, "weekly_cap", "over 6 hours"),
    (_over_earnings_cap, "earnings_cap", "monthly earnings limit of"),
    (_at_earnings_cap, None, ""),
    (_seat_taken, "seats", "All places on this shift are taken"),
    (_already_on_it, "already_assigned", "already works on this shift"),
    (_travel, "travel", "only in their own neighbourhood"),
    (_lives_outside, "neighbourhood_policy", "does not live in the neighbourhood"),
    (_said_no_before, "declined_before", "said no to this shift before"),
]


class _Undo(Exception):
    pass


def attempt(write: Callable[[], Any]) -> tuple[bool, list[str]]:
    """Run `write` in a savepoint that is always rolled back: (did it succeed, its error messages)."""
    outcome: tuple[bool, list[str]] = (False, [])
    try:
        with transaction.atomic():
            try:
                outcome = (bool(write()), [])
            except ValidationError as exc:
                outcome = (False, exc.messages)
            raise _Undo
    except _Undo:
        pass
    return outcome


@pytest.mark.parametrize(("case", "failing", "staff_words"), CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_matching_accept_and_both_hand_assignments_agree(
    case, failing, staff_words, kanaleneiland, lunetten, bakery: BusinessPersona, coordinator
):
    world = World(
        coop=kanaleneiland,
        other_coop=lunetten,
        job=OpenJobFactory(coop=kanaleneiland, business=bakery.business),
        day=monday_next_week(),
    )
    anna, shift = case(world)
    shift = Shift.objects.select_related("job__coop").get(pk=shift.pk)

    def round_offers() -> bool:
        round_ = matching_round_run(coop=kanaleneiland, trigger=MatchingRound.Trigger.MANUAL)
        return Offer.objects.filter(round=round_, shift=shift, member=anna).exists()

    def accept() -> Assignment:
        offer = PendingOfferFactory(shift=shift, member=anna)
        return offer_accept(offer_id=offer.pk, member=anna, actor=anna.user)

    def business_pick() -> Offer:
        return assignment_create_by_business(actor=bakery.contact, shift_id=shift.pk, member_id=anna.pk)

    def hand_assign() -> Assignment:
        return assignment_create_by_coordinator(actor=coordinator, shift_id=shift.pk, member_id=anna.pk, reason="Vast")

    with translation.override("en"):
        pair = pair_load(member=anna, shift=shift, rules=Rulebook.for_coop(kanaleneiland))
        verdicts = {
            "matching": attempt(round_offers),
            "accept": attempt(accept),
            "business": attempt(business_pick),
            "coordinator": attempt(hand_assign),
        }
    assert pair.failed == ([failing] if failing else [])
    assert {path: ok for path, (ok, _) in verdicts.items()} == dict.fromkeys(verdicts, failing is None)
    if failing:
        assert any(staff_words in m for m in verdicts["business"][1]), verdicts["business"][1]
        assert any(staff_words in m for m in verdicts["coordinator"][1]), verdicts["coordinator"][1]
        assert verdicts["accept"][1]  # in the member's words
    assert Assignment.objects.filter(shift=shift, member=anna).count() == (1 if failing == "already_assigned" else 0)


def test_every_check_has_words_for_member_and_staff_and_a_label():
    """A new hard limit in engine.CHECKS needs its reasons here before anything can use it."""
    assert set(REASONS) == set(PAIR_CHECKS)
    assert set(engine.CHECKS) <= set(CHECK_LABELS)


def test_a_coordinator_overrides_a_rule_with_a_reason_but_never_a_full_shift(kanaleneiland, bakery, coordinator):
    job = OpenJobFactory(coop=kanaleneiland, business=bakery.business)
    anna = member(kanaleneiland, "Anna", mask=1 << 20)
    shift = shift_on(job, monday_next_week())
    assignment = assignment_create_by_coordinator(
        actor=coordinator, shift_id=shift.pk, member_id=anna.pk, reason="Vast", override_reason="Ze kan toch"
    )
    assert assignment.member == anna
    bram = member(kanaleneiland, "Bram")
    with translation.override("en"), pytest.raises(ValidationError, match="All places on this shift are taken"):
        assignment_create_by_coordinator(
            actor=coordinator, shift_id=shift.pk, member_id=bram.pk, reason="Vast", override_reason="Toch"
        )
    assert Assignment.objects.filter(shift=shift).count() == 1
