"""The skill catalogue: one list shared by all coops, kept by the service centre (docs/decisions/035).

Create, edit, take out of use; never delete (members' history points at a skill).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import Skill
from members.selectors import AuditContext, user_is_service_centre


def _catalogue_editor_check(ctx: AuditContext) -> None:
    # Matching compares skills across coops, so one coop's staff may not redefine them for all.
    if ctx.actor is not None and not user_is_service_centre(ctx.actor):
        raise PermissionDenied(_("Only the service centre changes the list of skills."))


def skill_fields_clean(
    *, slug: str, name_nl: str, name_en: str, requires_certificate: bool, certificate_name: str
) -> dict[str, object]:
    """The normalised fields of a skill. Raises ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    slug = slugify(slug or name_en or name_nl)
    if not slug:
        errors["slug"] = [_("Give the skill a short code, like food-hygiene.")]
    if not (name_nl or "").strip():
        errors["name_nl"] = [_("Give the Dutch name.")]
    if not (name_en or "").strip():
        errors["name_en"] = [_("Give the English name.")]
    if requires_certificate and not (certificate_name or "").strip():
        errors["certificate_name"] = [_("Say which certificate is needed.")]
    if errors:
        raise ValidationError(errors)
    return {
        "slug": slug,
        "name_nl": name_nl.strip(),
        "name_en": name_en.strip(),
        "requires_certificate": requires_certificate,
        "certificate_name": certificate_name.strip() if requires_certificate else "",
    }


def skill_create(
    *,
    ctx: AuditContext,
    slug: str,
    name_nl: str,
    name_en: str,
    requires_certificate: bool = False,
    certificate_name: str = "",
) -> Skill:
    """Add a skill. Raises PermissionDenied (not the service centre), ValidationError (names, code taken)."""
    _catalogue_editor_check(ctx)
    fields = skill_fields_clean(
        slug=slug,
        name_nl=name_nl,
        name_en=name_en,
        requires_certificate=requires_certificate,
        certificate_name=certificate_name,
    )
    try:
        with transaction.atomic():
            if Skill.objects.filter(slug=fields["slug"]).exists():
                raise ValidationError({"slug": [_("This code is already used by another skill.")]})
            skill = Skill.objects.create(**fields)
            ctx.record(action="skill.created", subject=skill, data={k: v for k, v in fields.items()})
    except IntegrityError:
        raise ValidationError({"slug": [_("This code is already used by another skill.")]}) from None
    return skill


def skill_update(
    *,
    ctx: AuditContext,
    skill: Skill,
    slug: str,
    name_nl: str,
    name_en: str,
    requires_certificate: bool,
    certificate_name: str,
    is_active: bool,
) -> Skill:
    """Edit a skill, or take it out of use (members keep it in their history).

    Raises PermissionDenied (not the service centre), ValidationError.
    """
    _catalogue_editor_check(ctx)
    fields: dict[str, object] = skill_fields_clean(
        slug=slug,
        name_nl=name_nl,
        name_en=name_en,
        requires_certificate=requires_certificate,
        certificate_name=certificate_name,
    )
    fields["is_active"] = is_active
    with transaction.atomic():
        locked = Skill.objects.select_for_update().get(pk=skill.pk)
        if Skill.objects.filter(slug=fields["slug"]).exclude(pk=locked.pk).exists():
            raise ValidationError({"slug": [_("This code is already used by another skill.")]})
        changed = {k: v for k, v in fields.items() if getattr(locked, k) != v}
        if changed:
            data = {k: {"old": getattr(locked, k), "new": v} for k, v in changed.items()}
            for k, v in changed.items():
                setattr(locked, k, v)
            locked.save(update_fields=list(changed))
            ctx.record(action="skill.changed", subject=locked, data=data)
    return locked
