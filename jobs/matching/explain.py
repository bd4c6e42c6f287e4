"""Why a member was or was not offered a shift, in plain words (B1).

The checks are the engine's own (`pair_load`: `engine.pair_checks` on the same arrays a round
loads), so the explanation can never disagree with what matching, accepting an offer or a hand
assignment does. Only the wording of passed checks lives here; failed ones read as `pair_reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.rulebook.book import Rulebook
from jobs.matching import engine
from jobs.matching.pair import earnings_cap_text, pair_load, pair_reasons
from jobs.models import Offer, Shift
from members.models import Daypart, Member

CHECK_LABELS = {
    "active": gettext_lazy("Active member"),
    "scope": gettext_lazy("Member of this coop"),
    "availability": gettext_lazy("Available then"),
    "skills": gettext_lazy("Has the skills"),
    "overlap": gettext_lazy("No other work then"),
    "weekly_cap": gettext_lazy("Under the weekly hours limit"),
    "earnings_cap": gettext_lazy("Under own monthly earnings limit"),
    "travel": gettext_lazy("Wants to travel there"),
    "neighbourhood_policy": gettext_lazy("Lives in the neighbourhood"),
    "declined_before": gettext_lazy("Did not say no before"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    ok: bool


def explain_member_shift(*, member: Member, shift: Shift) -> list[Reason]:
    """Every check matching makes for this member and shift, passed (ok) or not, then the priority.

    The verdicts are `pair_load`'s (the engine's own checks); a failed check reads as the same
    words the member gets when accepting an offer fails on it.
    """
    coop = shift.job.coop
    rules = Rulebook.for_coop(coop)
    pair = pair_load(member=member, shift=shift, rules=rules)
    problem, s, m = pair.loaded.problem, pair.s, pair.m
    checks = {name: ok for name, ok in pair.checks.items() if name in engine.CHECKS}
    day = formats.date_format(shift.date, "l j F")
    part = str(Daypart(shift.daypart).label).lower()
    cap = problem.member_earnings_cap[m]
    passed = {
        "active": _("You are an active member."),
        "scope": _("This work is open to you as a member."),
        "availability": _("You are available on %(day)s in the %(part)s.") % {"day": day, "part": part},
        "skills": _("You have the skills this work needs.")
        if int(problem.shift_skills[s])
        else _("This work needs no special skills."),
        "overlap": _("You have no other work at that time."),
        "weekly_cap": _("You stay under the limit of %(max)s hours a week.")
        % {"max": pair.loaded.values["max_hours_per_week"]},
        "earnings_cap": _("You stay under your own limit of %(cap)s a month.") % {"cap": earnings_cap_text(pair)}
        if cap != engine.NO_CAP
        else "",
        "travel": _("The place of work fits how far you want to travel."),
        "neighbourhood_policy": _("You live in the neighbourhood."),
        "declined_before": "",  # said only when it fails
    }
    reasons: list[Reason] = []
    for name, ok in checks.items():
        if ok:
            if passed[name]:
                reasons.append(Reason(name, passed[name], True))
        else:
            reasons += [Reason(name, text, False) for text in pair_reasons(pair, to_member=True, codes=(name,))]
    reasons.append(
        _priority_reason(
            member=member,
            shift=shift,
            problem=problem,
            s=s,
            m=m,
            target=float(problem.member_target[m]),
            week_hours=pair.week_hours,
            fits=all(checks.values()),
        )
    )
    return reasons


def _priority_reason(
    *,
    member: Member,
    shift: Shift,
    problem: engine.Problem,
    s: int,
    m: int,
    target: float,
    week_hours: float,
    fits: bool,
) -> Reason:
    """Where the member stands against the members who were offered this shift."""
    offers = list(
        Offer.objects.filter(shift=shift)
        .exclude(status=Offer.Status.WITHDRAWN)
        .values_list("member_id", "status", "score")
    )
    own = [o for o in offers if o[0] == member.pk]
    if any(o[1] in (Offer.Status.PENDING, Offer.Status.ACCEPTED) for o in own):
        return Reason("priority", _("You got an offer for this shift."), True)
    if not fits:
        return Reason("priority", _("So this shift was not offered to you."), False)
    parts = engine.pair_components(problem, [s], [m])
    score = sum(float(parts[name][0]) for name in engine.COMPONENTS)
    others = [
        float(o[2]) for o in offers if o[0] != member.pk and o[1] in (Offer.Status.PENDING, Offer.Status.ACCEPTED)
    ]
    hours = (
        _("You have %(hours)s of the %(target)s hours you want that week.")
        % {"hours": f"{week_hours:g}", "target": f"{target:g}"}
        if target
        else ""
    )
    if others and min(others) > score:
        text = _("Other members came first: they have fewer hours than they want, or waited longer.")
        return Reason("priority", f"{text} {hours}".strip(), False)
    if int(problem.shift_seats[s]) <= 0:
        return Reason("priority", _("All places of this shift are taken."), False)
    text = _("You fit this shift. It can be offered to you in the next round.")
    return Reason("priority", f"{text} {hours}".strip(), True)
