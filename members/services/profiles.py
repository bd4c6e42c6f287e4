"""A member's own details, worker profile, skills and consent for assisted mode."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.identifiers import iban_hint
from coop.money import eur
from members import validators
from members.models import Member, MemberSkill, Skill, WorkerProfile
from members.selectors import AuditContext
from members.services.applications import languages_clean

FULL_WEEK_MASK = (1 << 21) - 1


def member_details_update(
    *,
    ctx: AuditContext,
    member: Member,
    phone: str,
    iban: str,
    postcode: str,
    house_number: str,
    languages: list[str],
) -> Member:
    """Change a member's contact and bank details. Raises ValidationError on bad input."""
    new: dict[str, Any] = {
        "phone": validators.phone_clean(phone),
        "iban": validators.iban_clean(iban),
        "postcode": validators.postcode_clean(postcode),
        "house_number": house_number.strip(),
        "languages": languages_clean(languages),
    }
    with transaction.atomic():
        locked = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member.pk)
        changed = {name: value for name, value in new.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        data: dict[str, Any] = {
            name: {"old": getattr(locked, name), "new": value} for name, value in changed.items() if name != "iban"
        }
        if "iban" in changed:
            data["iban"] = {"old": iban_hint(locked.iban), "new": iban_hint(changed["iban"])}
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changed))
        ctx.record(action="member.details_changed", subject=locked, coop=locked.coop, data=data)
    return locked


def worker_profile_update(
    *,
    ctx: AuditContext,
    member: Member,
    target_hours_per_week: int,
    monthly_earnings_cap: Decimal | None,
    max_travel: str,
    availability_mask: int,
) -> WorkerProfile:
    """Save hours goal, earnings cap, travel and weekly availability. Raises ValidationError."""
    if not 0 <= availability_mask <= FULL_WEEK_MASK:
        raise ValidationError(_("Choose times from the week grid."), code="availability")
    if not 0 <= target_hours_per_week <= 7 * 24:
        raise ValidationError(_("Fill in a number of hours per week between 0 and 168."), code="hours")
    if max_travel not in WorkerProfile.Travel.values:
        raise ValidationError(_("Choose how far you want to travel."), code="travel")
    cap = None
    if monthly_earnings_cap is not None:
        if monthly_earnings_cap <= 0:
            raise ValidationError(_("The earnings limit must be more than zero, or empty."), code="cap")
        cap = eur(monthly_earnings_cap)
    with transaction.atomic():
        locked = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member.pk)
        profile, _created = WorkerProfile.objects.select_for_update().get_or_create(member=locked)
        old = {
            "target_hours_per_week": profile.target_hours_per_week,
            "monthly_earnings_cap": str(profile.monthly_earnings_cap.amount) if profile.monthly_earnings_cap else None,
            "max_travel": profile.max_travel,
            "availability_mask": profile.availability_mask,
        }
        profile.target_hours_per_week = target_hours_per_week
        profile.monthly_earnings_cap = cap
        profile.max_travel = max_travel
        profile.availability_mask = availability_mask
        profile.save()
        new = {
            "target_hours_per_week": target_hours_per_week,
            "monthly_earnings_cap": str(cap.amount) if cap else None,
            "max_travel": max_travel,
            "availability_mask": availability_mask,
        }
        if old != new:
            ctx.record(action="member.profile_changed", subject=locked, coop=locked.coop, data={"old": old, "new": new})
    return profile


def member_skills_check(*, skills: dict[int, dt.date | None], today: dt.date | None = None) -> dict[int, Skill]:
    """The skills (by id) a member may be given with these certificate dates. Raises ValidationError."""
    today = today or timezone.localdate()
    known = {s.pk: s for s in Skill.objects.filter(pk__in=list(skills), is_active=True)}
    errors = []
    for skill_id, valid_until in skills.items():
        skill = known.get(skill_id)
        if skill is None:
            errors.append(ValidationError(_("Choose skills from the list."), code="skill"))
        elif skill.requires_certificate and valid_until is None:
            errors.append(
                ValidationError(
                    _("%(skill)s needs a certificate (%(certificate)s): fill in until when it is valid.")
                    % {"skill": skill.name, "certificate": skill.certificate_name or skill.name},
                    code="certificate",
                )
            )
        elif skill.requires_certificate and valid_until is not None and valid_until < today:
            errors.append(
                ValidationError(
                    _("Your certificate for %(skill)s has expired. Renew it first.") % {"skill": skill.name},
                    code="certificate_expired",
                )
            )
    if errors:
        raise ValidationError(errors)
    return known


def member_skills_set(
    *, ctx: AuditContext, member: Member, skills: dict[int, dt.date | None], today: dt.date | None = None
) -> list[MemberSkill]:
    """Replace the member's skills (skill id -> certificate valid-until date). Raises ValidationError."""
    known = member_skills_check(skills=skills, today=today)
    with transaction.atomic():
        locked = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member.pk)
        profile, _created = WorkerProfile.objects.get_or_create(member=locked)
        current = {ms.skill_id: ms for ms in profile.member_skills.all()}
        old = {
            str(k): (str(v.certificate_valid_until) if v.certificate_valid_until else None) for k, v in current.items()
        }
        for skill_id in set(current) - set(skills):
            current[skill_id].delete()
        result = []
        for skill_id, valid_until in skills.items():
            valid_until = valid_until if known[skill_id].requires_certificate else None
            ms = current.get(skill_id)
            if ms is None:
                ms = MemberSkill.objects.create(profile=profile, skill_id=skill_id, certificate_valid_until=valid_until)
            elif ms.certificate_valid_until != valid_until:
                ms.certificate_valid_until = valid_until
                ms.save(update_fields=["certificate_valid_until"])
            result.append(ms)
        new = {
            str(ms.skill_id): (str(ms.certificate_valid_until) if ms.certificate_valid_until else None) for ms in result
        }
        if old != new:
            ctx.record(action="member.skills_changed", subject=locked, coop=locked.coop, data={"old": old, "new": new})
    return result


def member_consent_give(*, ctx: AuditContext, member: Member, note: str) -> Member:
    """Record the member's consent for a coordinator to act for them. Raises ValidationError without a note."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write down how the consent was given."), code="note")
    with transaction.atomic():
        locked = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member.pk)
        locked.assisted_consent_at = timezone.now()
        locked.assisted_consent_note = note[:300]
        locked.save(update_fields=["assisted_consent_at", "assisted_consent_note"])
        ctx.record(action="member.consent_given", subject=locked, coop=locked.coop, data={"note": note[:300]})
    return locked


def member_consent_withdraw(*, ctx: AuditContext, member: Member) -> Member:
    """Withdraw consent for assisted mode; a coordinator acting for the member is stopped on their next page."""
    with transaction.atomic():
        locked = Member.objects.select_for_update(of=("self",)).select_related("coop").get(pk=member.pk)
        if locked.assisted_consent_at is None:
            return locked
        old_note = locked.assisted_consent_note
        locked.assisted_consent_at = None
        locked.assisted_consent_note = ""
        locked.save(update_fields=["assisted_consent_at", "assisted_consent_note"])
        ctx.record(action="member.consent_withdrawn", subject=locked, coop=locked.coop, data={"old_note": old_note})
    return locked
