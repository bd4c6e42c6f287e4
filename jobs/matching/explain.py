"""Why a member was or was not offered a shift, in plain words (B1).

The checks are the engine's own (`engine.pair_checks` on the same arrays a round loads), so the
explanation can never disagree with what matching does. Only the wording lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.money import eur
from coop.rulebook.book import Rulebook
from jobs.matching import engine
from jobs.matching.load import problem_load
from jobs.matching.selectors import shift_with_open_seats
from jobs.models import Offer, Shift
from members.models import Daypart, Member, MemberSkill

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


def _skill_reasons(member: Member, shift: Shift) -> list[Reason]:
    required = list(shift.job.required_skills.all())
    if not required:
        return [Reason("skills", _("This work needs no special skills."), True)]
    held = {
        ms.skill_id: ms
        for ms in MemberSkill.objects.select_related("skill").filter(profile__member=member, skill__in=required)
    }
    reasons = []
    for skill in required:
        member_skill = held.get(skill.pk)
        if member_skill is None:
            reasons.append(
                Reason(
                    "skills",
                    _("You do not have the skill “%(skill)s”. Ask the coop how to learn it.") % {"skill": skill.name},
                    False,
                )
            )
        elif not member_skill.is_valid_on(shift.date):
            reasons.append(
                Reason(
                    "skills",
                    _("Your certificate for “%(skill)s” is not valid on %(date)s. Renew it and tell the coop.")
                    % {"skill": skill.name, "date": formats.date_format(shift.date)},
                    False,
                )
            )
    return reasons or [Reason("skills", _("You have the skills this work needs."), True)]


def explain_member_shift(*, member: Member, shift: Shift) -> list[Reason]:
    """Every check matching makes for this member and shift, passed (ok) or not, then the priority."""
    coop = shift.job.coop
    today = timezone.localdate()
    rules = Rulebook.for_coop(coop)
    values = rules.values(today)
    in_scope = member.coop_id == coop.pk or bool(values["matching_allow_neighbouring_coops"])
    # Load the member even from another coop or when not active, so every other check still reads.
    load_values = {**values, "matching_allow_neighbouring_coops": True}
    loaded = problem_load(
        coop=coop,
        values=load_values,
        rules=rules,
        shifts=shift_with_open_seats(shift.pk),
        today=today,
        members=Member.objects.filter(pk=member.pk),
        only_active=False,
        ignore_planned_shift_id=shift.pk,
    )
    problem = loaded.problem
    s = loaded.shift_position(shift.pk)
    m = loaded.member_position(member.pk)
    if s is None or m is None:  # pragma: no cover - the shift and member exist
        return []
    checks = engine.pair_checks(problem, s, m)
    checks["scope"] = in_scope
    day = formats.date_format(shift.date, "l j F")
    part = str(Daypart(shift.daypart).label).lower()
    week_hours = float(problem.member_week_hours[problem.shift_week[s], m])
    max_hours = values["max_hours_per_week"]
    reasons: list[Reason] = []
    if checks["active"]:
        reasons.append(Reason("active", _("You are an active member."), True))
    else:
        reasons.append(Reason("active", _("Only active members get work. Your membership is not active now."), False))
    if checks["scope"]:
        reasons.append(Reason("scope", _("This work is open to you as a member."), True))
    else:
        reasons.append(
            Reason(
                "scope",
                _("This work is for members of %(coop)s. Members of other coops may not take it.")
                % {"coop": coop.name},
                False,
            )
        )
    if checks["availability"]:
        reasons.append(
            Reason(
                "availability", _("You are available on %(day)s in the %(part)s.") % {"day": day, "part": part}, True
            )
        )
    else:
        reasons.append(
            Reason(
                "availability",
                _("You are not available on %(day)s in the %(part)s. You can change this in your profile.")
                % {"day": day, "part": part},
                False,
            )
        )
    reasons += _skill_reasons(member, shift)
    if checks["overlap"]:
        reasons.append(Reason("overlap", _("You have no other work at that time."), True))
    else:
        reasons.append(Reason("overlap", _("You already have work or an offer at that time."), False))
    if checks["weekly_cap"]:
        reasons.append(
            Reason("weekly_cap", _("You stay under the limit of %(max)s hours a week.") % {"max": max_hours}, True)
        )
    else:
        reasons.append(
            Reason(
                "weekly_cap",
                _(
                    "With this work you would have more than %(max)s hours that week "
                    "(you have %(hours)s). The coop set this limit."
                )
                % {"max": max_hours, "hours": f"{week_hours:g}"},
                False,
            )
        )
    cap = problem.member_earnings_cap[m]
    if checks["earnings_cap"]:
        if cap != engine.NO_CAP:
            reasons.append(
                Reason(
                    "earnings_cap",
                    _("You stay under your own limit of %(cap)s a month.") % {"cap": eur(str(round(float(cap), 2)))},
                    True,
                )
            )
    else:
        reasons.append(
            Reason(
                "earnings_cap",
                _("With this work you would earn more than your own limit of %(cap)s that month.")
                % {"cap": eur(str(round(float(cap), 2)))},
                False,
            )
        )
    if checks["travel"]:
        reasons.append(Reason("travel", _("The place of work fits how far you want to travel."), True))
    else:
        reasons.append(
            Reason("travel", _("You want to work only in your own neighbourhood. This work is outside it."), False)
        )
    if "neighbourhood_policy" in checks:
        if checks["neighbourhood_policy"]:
            reasons.append(Reason("neighbourhood_policy", _("You live in the neighbourhood."), True))
        else:
            reasons.append(
                Reason(
                    "neighbourhood_policy",
                    _("The coop gives work only to members who live in the neighbourhood."),
                    False,
                )
            )
    if not checks["declined_before"]:
        reasons.append(
            Reason("declined_before", _("You said no to this shift before, or did not answer in time."), False)
        )
    reasons.append(
        _priority_reason(
            member=member,
            shift=shift,
            problem=problem,
            s=s,
            m=m,
            target=float(problem.member_target[m]),
            week_hours=week_hours,
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
