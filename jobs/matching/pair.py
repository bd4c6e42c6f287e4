"""One member and one shift through the matching engine's own checks: the hard constraints of every
write that fills a seat, and the reasons a member reads.

Accepting an offer, a business's pick and a coordinator's hand assignment all ask `pair_load`, and
so does the member's explanation. It loads the engine's arrays of a round for just this member and
shift (`problem_load`, with the pair's own offer or assignment for that shift left out of the
member's planned work) and runs `engine.pair_checks` on them. A pair passes here exactly when a
matching round run now would find it feasible: one implementation, so the paths cannot disagree.

Beside the engine's checks (`engine.CHECKS`) come three about the seat, which a round gets from the
shifts it chooses (`open_shifts`, `open_seats`): the shift still takes people, a seat is free (an
active assignment takes it; a pending offer only claims it, first accepted first served), and the
member is not on the shift already.

Adding a hard limit (for example a legal maximum): compute it in `engine.check_parts` from arrays
that `problem_load` fills, and name it in `engine.CHECKS`; matching, every write and the explanation
then apply it. Give it words in `REASONS` below (for the member and for staff) and a label in
`explain.CHECK_LABELS`; `tests/jobs/test_pair_checks_agree.py` fails until both exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coop.money import eur
from coop.rulebook.book import Rulebook
from coop.templatetags.money import format_money
from jobs.matching import engine
from jobs.matching.load import Loaded, open_for_work, problem_load, shift_row
from jobs.matching.selectors import shift_with_open_seats
from jobs.models import Assignment, Offer, Shift
from members.models import Daypart, Member, MemberSkill, Skill

# Every check in the order its reason is shown: is the shift still open, the engine's own, the seat.
PAIR_CHECKS = ("shift_open", *engine.CHECKS, "seats", "already_assigned")


@dataclass
class Pair:
    """The engine's arrays for one member and one shift, and the verdict of every check on them."""

    member: Member
    shift: Shift
    loaded: Loaded
    s: int  # shift index in loaded.problem
    m: int  # member index
    taken: int  # active assignments on the shift
    offered: int  # pending offers on the shift (the member's own included)
    checks: dict[str, bool]  # PAIR_CHECKS order; neighbourhood_policy only when the coop has that rule

    @property
    def failed(self) -> list[str]:
        return [name for name, ok in self.checks.items() if not ok]

    @property
    def week_hours(self) -> float:
        """Hours the member has planned or offered in the shift's week (without this shift)."""
        p = self.loaded.problem
        return float(p.member_week_hours[p.shift_week[self.s], self.m])


def pair_load(*, member: Member, shift: Shift, rules: Rulebook) -> Pair:
    """Every hard constraint for `member` on `shift` (with its job and coop), now, by the engine's checks.

    `rules` is the Rulebook of the shift's coop, loaded once for the request.
    """
    now = timezone.localtime()
    today = now.date()
    job = shift.job
    taken, offered, mine, is_open = (
        shift_with_open_seats(shift.pk)
        .annotate(
            mine=Count(
                "assignments",
                filter=Q(assignments__status=Assignment.Status.ACTIVE, assignments__member=member),
                distinct=True,
            ),
            is_open=Exists(Shift.objects.filter(open_for_work(now=now), pk=OuterRef("pk"))),
        )
        .values_list("taken", "offered", "mine", "is_open")
        .get()
    )
    # Load the member even from another coop or when not active, so every check reads.
    loaded = problem_load(
        coop=job.coop,
        values=rules.values(today),
        rules=rules,
        shifts=[shift_row(shift, open_seats=shift.seats - taken - offered)],
        today=today,
        members=Member.objects.filter(pk=member.pk),
        only_active=False,
        outside_scope=True,
        ignore_planned_shift_id=shift.pk,
    )
    s, m = loaded.shift_position(shift.pk), loaded.member_position(member.pk)
    if s is None or m is None:  # pragma: no cover - the shift and member exist
        raise Member.DoesNotExist
    verdict = engine.pair_checks(loaded.problem, s, m)
    verdict |= {"shift_open": bool(is_open), "seats": taken < shift.seats, "already_assigned": mine == 0}
    checks = {name: verdict[name] for name in PAIR_CHECKS if name in verdict}
    return Pair(member=member, shift=shift, loaded=loaded, s=s, m=m, taken=taken, offered=offered, checks=checks)


def pair_reasons(pair: Pair, *, to_member: bool, codes: tuple[str, ...] | None = None) -> list[str]:
    """The translated reason of every failed check (of `codes`, default all), in check order.

    `to_member` words them for the member ("you"); otherwise for a business or coordinator.
    """
    return [text for code in pair.failed if codes is None or code in codes for text in REASONS[code](pair, to_member)]


# --- wording: one function per check, for the member and for staff -------------------------------------


def _active(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [_("Only active members can take work. Please contact the service desk.")]
    return [_("%(name)s is not an active member.") % {"name": pair.member.first_name}]


def _scope(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [
            _("This work is for members of %(coop)s. Members of other coops may not take it.")
            % {"coop": pair.shift.job.coop.name}
        ]
    return [_("%(name)s is a member of another coop.") % {"name": pair.member.first_name}]


def _availability(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        day = formats.date_format(pair.shift.date, "l j F")
        part = str(Daypart(pair.shift.daypart).label).lower()
        return [
            _("You are not available on %(day)s in the %(part)s. You can change this in your profile.")
            % {"day": day, "part": part}
        ]
    return [_("%(name)s is not available at this time of the week.") % {"name": pair.member.first_name}]


def skills_lacking(pair: Pair) -> list[tuple[Skill, bool]]:
    """The required skills the engine found lacking on the shift's day: (skill, held with a lapsed certificate)."""
    p, loaded = pair.loaded.problem, pair.loaded
    lacking = int(p.shift_skills[pair.s]) & ~int(p.member_skills_by_day[p.shift_day[pair.s], pair.m])
    skill_ids = [sid for i, sid in enumerate(loaded.skill_ids) if lacking >> i & 1]
    held = set(
        MemberSkill.objects.filter(profile__member=pair.member, skill_id__in=skill_ids).values_list(
            "skill_id", flat=True
        )
    )
    return [(skill, skill.pk in held) for skill in Skill.objects.filter(pk__in=skill_ids).order_by("pk")]


def _skills(pair: Pair, to_member: bool) -> list[str]:
    out = []
    for skill, lapsed in skills_lacking(pair):
        if to_member and lapsed:
            text = _("Your certificate for “%(skill)s” is not valid on %(date)s. Renew it and tell the coop.")
        elif to_member:
            text = _("You do not have the skill “%(skill)s”. Ask the coop how to learn it.")
        elif lapsed:
            text = _("Certificate not valid on the shift date: %(skill)s.")
        else:
            text = _("Missing skill: %(skill)s.")
        out.append(text % {"skill": skill.name, "date": formats.date_format(pair.shift.date)})
    return out


def _overlapping(pair: Pair) -> tuple[Shift | None, bool]:
    """The planned work the engine found in the way: (its shift, whether it is a pending offer)."""
    shift = pair.shift
    clash = Q(
        shift__date=shift.date,
        shift__start_time__lt=shift.end_time,
        shift__end_time__gt=shift.start_time,
        shift__status=Shift.Status.OPEN,
        member=pair.member,
    )
    assignment = (
        Assignment.objects.select_related("shift__job")
        .filter(clash, status=Assignment.Status.ACTIVE)
        .exclude(shift=shift)
        .first()
    )
    if assignment is not None:
        return assignment.shift, False
    offers = Offer.objects.select_related("shift__job").filter(clash, status=Offer.Status.PENDING)
    offer = offers.exclude(shift=shift).first()
    return (offer.shift if offer else None), True


def _overlap(pair: Pair, to_member: bool) -> list[str]:
    other, is_offer = _overlapping(pair)
    values = {"name": pair.member.first_name, "shift": other}
    if to_member and is_offer:
        return [
            _("You already have an offer at that time (%(shift)s). Say no to it first if you want this work.") % values
        ]
    if to_member:
        return [_("You already work at that time (%(shift)s). You cannot take two shifts at once.") % values]
    if is_offer:
        return [_("%(name)s already has an offer at that time (%(shift)s).") % values]
    return [_("%(name)s already works at that time (%(shift)s).") % values]


def _weekly_cap(pair: Pair, to_member: bool) -> list[str]:
    max_hours = pair.loaded.values["max_hours_per_week"]
    if to_member:
        return [
            _(
                "With this work you would have more than %(max)s hours that week "
                "(you have %(hours)s). The coop set this limit."
            )
            % {"max": max_hours, "hours": f"{pair.week_hours:g}"}
        ]
    return [
        _("This would take %(name)s over %(hours)s hours in that week.")
        % {"name": pair.member.first_name, "hours": max_hours}
    ]


def earnings_cap_text(pair: Pair) -> str:
    """The member's own monthly earnings limit, formatted."""
    return format_money(eur(f"{float(pair.loaded.problem.member_earnings_cap[pair.m]):.2f}"))


def _earnings_cap(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [
            _("With this work you would earn more than your own limit of %(cap)s that month.")
            % {"cap": earnings_cap_text(pair)}
        ]
    return [
        _("This would take %(name)s over their own monthly earnings limit of %(cap)s.")
        % {"name": pair.member.first_name, "cap": earnings_cap_text(pair)}
    ]


def _travel(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [_("You want to work only in your own neighbourhood. This work is outside it.")]
    return [
        _("%(name)s wants to work only in their own neighbourhood. This work is outside it.")
        % {"name": pair.member.first_name}
    ]


def _neighbourhood_policy(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [_("The coop gives work only to members who live in the neighbourhood.")]
    return [
        _("%(name)s does not live in the neighbourhood. The coop gives work only to members who do.")
        % {"name": pair.member.first_name}
    ]


def _declined_before(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [_("You said no to this shift before, or did not answer in time.")]
    return [_("%(name)s said no to this shift before, or did not answer in time.") % {"name": pair.member.first_name}]


def _shift_open(pair: Pair, to_member: bool) -> list[str]:
    shift = pair.shift
    if shift.status != Shift.Status.OPEN or shift.job.status != shift.job.Status.OPEN:
        return [_("This shift is cancelled or the job is closed.")]
    return [_("This shift has already started.")]


def _seats(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [_("Sorry, someone else just took the last place on this shift.")]
    return [_("All places on this shift are taken.")]


def _already_assigned(pair: Pair, to_member: bool) -> list[str]:
    if to_member:
        return [_("You already have a place on this shift.")]
    return [_("%(name)s already works on this shift.") % {"name": pair.member.first_name}]


REASONS: dict[str, Callable[[Pair, bool], list[str]]] = {
    "active": _active,
    "scope": _scope,
    "availability": _availability,
    "skills": _skills,
    "overlap": _overlap,
    "weekly_cap": _weekly_cap,
    "earnings_cap": _earnings_cap,
    "travel": _travel,
    "neighbourhood_policy": _neighbourhood_policy,
    "declined_before": _declined_before,
    "shift_open": _shift_open,
    "seats": _seats,
    "already_assigned": _already_assigned,
}
