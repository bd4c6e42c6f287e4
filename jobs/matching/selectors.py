"""Reads of matching: the top fair candidates for one shift, and the coordinator's round pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from coop.models import Cooperative
from coop.rulebook.book import Rulebook
from jobs.matching import engine
from jobs.matching.load import problem_load, shift_row
from jobs.models import Assignment, Job, MatchingRound, Offer, Shift
from members.models import Member, MemberSkill, availability_bit


@dataclass(frozen=True)
class Candidate:
    member: Member
    score: float
    reasons: dict[str, Any] = field(default_factory=dict)


def shift_with_open_seats(shift_id: int) -> QuerySet[Shift]:
    """One shift annotated with `open_seats` (seats - active assignments - pending offers)."""
    return (
        Shift.objects.filter(pk=shift_id)
        .annotate(
            taken=Count("assignments", filter=Q(assignments__status=Assignment.Status.ACTIVE), distinct=True),
            offered=Count("offers", filter=Q(offers__status=Offer.Status.PENDING), distinct=True),
        )
        .annotate(open_seats=F("seats") - F("taken") - F("offered"))
    )


def candidates_suggest(*, shift: Shift, limit: int = 10) -> list[Candidate]:
    """The best `limit` members who may work this shift, best first (ties by member id).

    Same constraints and score as a matching round, for one shift, inside the request: the
    database narrows members by availability bit and required skills before anything is loaded.
    """
    coop = shift.job.coop
    today = timezone.localdate()
    rules = Rulebook.for_coop(coop)
    values = rules.values(today)
    bit = availability_bit(shift.date.weekday(), shift.daypart)
    # Skills in SQL, in the member query itself: no required skill of the job lacks a skill of the
    # member valid on the shift's day (plain, or certified until that day or later). The engine's
    # skill test then has nothing left to exclude, so the job's skills and the members' skill rows
    # are never loaded (two queries fewer). Same members as loading them and testing in the engine.
    valid_skill = MemberSkill.objects.filter(
        Q(skill__requires_certificate=False) | Q(certificate_valid_until__gte=shift.date),
        profile_id=OuterRef(OuterRef("profile")),
        skill_id=OuterRef("skill_id"),
    )
    missing_skill = Job.required_skills.through.objects.filter(job_id=shift.job_id).filter(~Exists(valid_skill))
    members = (
        Member.objects.alias(slot=F("profile__availability_mask").bitand(bit))
        .filter(slot=bit)
        .filter(~Exists(missing_skill))
    )
    # Suggestions ignore how many seats are open: the business may pick more than one member.
    loaded = problem_load(
        coop=coop,
        values=values,
        rules=rules,
        shifts=[shift_row(shift, open_seats=shift.seats)],
        today=today,
        members=members,
        job_skills={shift.job_id: []},
    )
    problem = loaded.problem
    if not problem.n_shifts or not problem.n_members:
        return []
    s, m, score = engine.feasible_pairs(problem, shifts=np.arange(problem.n_shifts))
    order = np.lexsort((loaded.member_ids[m], -np.round(score, 6)))[:limit]
    s, m, score = s[order], m[order], score[order]
    parts = engine.pair_components(problem, s, m)
    by_id = Member.objects.in_bulk([int(loaded.member_ids[i]) for i in m])
    return [
        Candidate(
            member=by_id[int(loaded.member_ids[mi])],
            score=round(float(sc), 4),
            reasons={name: round(float(parts[name][i]), 4) for name in engine.COMPONENTS},
        )
        for i, (mi, sc) in enumerate(zip(m, score, strict=True))
    ]


def matching_round_list_for_coop(coop: Cooperative, *, limit: int = 50) -> list[MatchingRound]:
    """The newest rounds of a coop, with who started them and the rule version."""
    return list(
        MatchingRound.objects.filter(coop=coop)
        .select_related("started_by", "rule_version")
        .order_by("-started_at", "-pk")[:limit]
    )


def matching_round_get_for_coops(*, round_id: int, coop_ids: set[int]) -> MatchingRound | None:
    """One round, if it belongs to one of the given coops."""
    return (
        MatchingRound.objects.filter(pk=round_id, coop_id__in=coop_ids)
        .select_related("coop", "started_by", "rule_version")
        .first()
    )


def matching_round_offers(round_: MatchingRound) -> list[Offer]:
    """The offers of a round with member, shift and job loaded, in shift order."""
    return list(
        Offer.objects.filter(round=round_)
        .select_related("member", "shift__job")
        .order_by("shift__date", "shift__start_time", "shift_id", "-score", "member_id")
    )


def matching_round_unfilled(round_: MatchingRound) -> list[dict[str, Any]]:
    """The seats a round left open, with their shift and the constraint funnel stored in the round."""
    rows = list(round_.stats.get("unfilled", []))
    shifts = Shift.objects.select_related("job").in_bulk([row["shift"] for row in rows])
    out = []
    for row in rows:
        shift = shifts.get(row["shift"])
        if shift is None:
            continue
        out.append(
            {
                "shift": shift,
                "open": row["open"],
                "left": row["left"],
                "funnel": [(engine_check_label(name), count) for name, count in row["funnel"]],
            }
        )
    return out


def engine_check_label(code: str) -> str:
    from jobs.matching.explain import CHECK_LABELS

    return str(CHECK_LABELS.get(code, code))
