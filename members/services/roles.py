"""Who may do what: roles in a coop or at a business, and a user's access to the Django admin.

Every grant and every revocation leaves an audit row with the old and new access, in the same
transaction. Only the installation's administrator (a superuser) hands out roles and admin access;
coordinators ask them to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coop.models import Cooperative
from members.models import Business, Role, User
from members.selectors import AuditContext

ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")
DETAIL_FIELDS = ("email", "first_name", "last_name", "preferred_language")


def _administrator_check(ctx: AuditContext) -> None:
    actor = ctx.actor
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied(_("Only the administrator of the installation gives or takes away roles and access."))


def _role_data(role: Role) -> dict[str, Any]:
    return {
        "user": role.user.email,
        "kind": role.kind,
        "coop": role.coop.slug if role.coop is not None else None,
        "business": role.business.kvk_number if role.business is not None else None,
    }


def role_fields_check(*, user: User, kind: str, coop: Cooperative | None, business: Business | None) -> None:
    """Refuse a role that does not fit its kind or that the user already holds. Raises ValidationError."""
    if kind not in Role.Kind.values:
        raise ValidationError({"kind": [_("Choose a role from the list.")]})
    if kind == Role.Kind.BUSINESS_CONTACT and (business is None or coop is not None):
        raise ValidationError(_("A business contact belongs to a business, not to a coop. Choose only the business."))
    if kind != Role.Kind.BUSINESS_CONTACT and (coop is None or business is not None):
        raise ValidationError(_("A coordinator or board member belongs to a coop. Choose only the coop."))
    if Role.objects.filter(user=user, kind=kind, coop=coop, business=business).exists():
        raise ValidationError(_("This person already has this role."))


def role_grant(
    *, ctx: AuditContext, user: User, kind: str, coop: Cooperative | None = None, business: Business | None = None
) -> Role:
    """Give a user a role in a coop or at a business. Raises PermissionDenied, ValidationError."""
    _administrator_check(ctx)
    role_fields_check(user=user, kind=kind, coop=coop, business=business)
    try:
        with transaction.atomic():
            role = Role.objects.create(user=user, kind=kind, coop=coop, business=business)
            ctx.record(action="role.granted", subject=role, coop=coop, data=_role_data(role))
    except IntegrityError:
        # Two grants of the same role at once: the unique constraint lets only one through.
        raise ValidationError(_("This person already has this role.")) from None
    return role


def role_revoke(*, ctx: AuditContext, role: Role) -> None:
    """Take a role away (the user keeps their account and history). Raises PermissionDenied."""
    _administrator_check(ctx)
    with transaction.atomic():
        locked = (
            Role.objects.select_for_update(of=("self",))
            .select_related("user", "coop", "business")
            .filter(pk=role.pk)
            .first()
        )
        if locked is None:
            return  # already revoked by someone else
        ctx.record(action="role.revoked", subject=locked, coop=locked.coop, data=_role_data(locked))
        locked.delete()


def _access_of(user: User) -> dict[str, Any]:
    return {
        **{flag: getattr(user, flag) for flag in ACCESS_FLAGS},
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }


def user_create_by_admin(*, ctx: AuditContext, email: str, password: str) -> User:
    """Create a login without any role or access (give those separately). Raises PermissionDenied."""
    _administrator_check(ctx)
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password)
        ctx.record(action="user.created", subject=user, data={"email": user.email})
    return user


def user_admin_update(
    *,
    ctx: AuditContext,
    user: User,
    email: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
    is_active: bool,
    is_staff: bool,
    is_superuser: bool,
    groups: Iterable[Group],
    user_permissions: Iterable[Permission],
) -> User:
    """Change a user's details and access (flags, groups, permissions). Raises PermissionDenied."""
    _administrator_check(ctx)
    groups, user_permissions = list(groups), list(user_permissions)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        details = {"email": email.strip().lower(), "first_name": first_name, "last_name": last_name}
        details["preferred_language"] = preferred_language
        old_access = _access_of(locked)
        changed_details = {
            k: {"old": getattr(locked, k), "new": v} for k, v in details.items() if getattr(locked, k) != v
        }
        flags = {"is_active": is_active, "is_staff": is_staff, "is_superuser": is_superuser}
        for name, value in {**details, **flags}.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*details, *flags])
        locked.groups.set(groups)
        locked.user_permissions.set(user_permissions)
        new_access = _access_of(locked)
        changed_access = {k: {"old": old_access[k], "new": v} for k, v in new_access.items() if old_access[k] != v}
        if changed_details:
            ctx.record(action="user.details_changed", subject=locked, data=changed_details)
        if changed_access:
            ctx.record(action="user.access_changed", subject=locked, data=changed_access)
    return locked


def group_save(*, ctx: AuditContext, group: Group | None, name: str, permissions: Iterable[Permission]) -> Group:
    """Create a group, or rename it and set its permissions (every member gets them). Raises PermissionDenied."""
    _administrator_check(ctx)
    permissions = list(permissions)
    with transaction.atomic():
        if group is None:
            locked = Group.objects.create(name=name)
            old: dict[str, Any] = {"name": None, "permissions": []}
        else:
            locked = Group.objects.select_for_update().get(pk=group.pk)
            old = {
                "name": locked.name,
                "permissions": _permission_names(locked.permissions.select_related("content_type")),
            }
            locked.name = name
            locked.save(update_fields=["name"])
        locked.permissions.set(permissions)
        new = {"name": locked.name, "permissions": _permission_names(permissions)}
        changed = {k: {"old": old[k], "new": v} for k, v in new.items() if old[k] != v}
        if changed:
            ctx.record(action="group.created" if group is None else "group.changed", subject=locked, data=changed)
    return locked


def _permission_names(permissions: Iterable[Permission]) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
