"""Businesses: registration, details, and the people who may act for them."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from coop.models import Cooperative
from members import validators
from members.exceptions import BusinessError
from members.models import Business, BusinessRelation, Member, Role, User
from members.selectors import AuditContext
from members.services.emails import email_send_to_user, request_for_links

# Longest payment term we accept on a business; terms are agreed per business within the law
# (Dutch law caps business-to-business terms at 60 days unless explicitly agreed).
MAX_PAYMENT_TERM_DAYS = 60


def business_fields_clean(
    *,
    legal_name: str,
    trade_name: str,
    kvk_number: str,
    vat_id: str,
    street: str,
    postcode: str,
    city: str,
    billing_email: str,
    phone: str,
    payment_term_days: int | None,
) -> dict[str, Any]:
    """The normalised details of a business. Raises ValidationError naming each bad field."""
    errors: dict[str, list[ValidationError]] = {}

    def check(name: str, func: Any, value: Any) -> Any:
        try:
            return func(value)
        except ValidationError as exc:
            errors.setdefault(name, []).append(exc)
            return value

    def required(value: str) -> str:
        if not (value or "").strip():
            raise ValidationError(_("This field is required."), code="required")
        return value.strip()

    def email(value: str) -> str:
        value = (value or "").strip().lower()
        validate_email(value)
        return value

    def term(value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_PAYMENT_TERM_DAYS:
            raise ValidationError(
                _("A payment term is between 1 and %(max)s days.") % {"max": MAX_PAYMENT_TERM_DAYS}, code="term"
            )
        return value

    cleaned = {
        "legal_name": check("legal_name", required, legal_name),
        "trade_name": (trade_name or "").strip(),
        "kvk_number": check("kvk_number", validators.kvk_clean, kvk_number),
        "vat_id": check("vat_id", validators.vat_id_clean, vat_id),
        "street": check("street", required, street),
        "postcode": check("postcode", validators.postcode_clean, postcode),
        "city": check("city", required, city),
        "billing_email": check("billing_email", email, billing_email),
        "phone": check("phone", validators.phone_clean, phone) if (phone or "").strip() else "",
        "payment_term_days": check("payment_term_days", term, payment_term_days),
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


def _kvk_taken() -> BusinessError:
    return BusinessError(
        {"kvk_number": [_("A business with this KvK number is already registered. Ask its contact to add you.")]}
    )


def business_register(
    *,
    legal_name: str,
    trade_name: str,
    kvk_number: str,
    vat_id: str,
    street: str,
    postcode: str,
    city: str,
    billing_email: str,
    phone: str = "",
    payment_term_days: int | None = None,
    coops: list[Cooperative],
    contact_first_name: str = "",
    contact_last_name: str = "",
    contact_email: str = "",
    password: str = "",
    contact_user: User | None = None,
    run_by_member: Member | None = None,
    request: HttpRequest | None = None,
) -> Business:
    """Register a business with its first contact (a new user, or `contact_user`) and its coops.

    Raises ValidationError (bad input) or BusinessError (KvK or e-mail already registered).
    """
    fields = business_fields_clean(
        legal_name=legal_name,
        trade_name=trade_name,
        kvk_number=kvk_number,
        vat_id=vat_id,
        street=street,
        postcode=postcode,
        city=city,
        billing_email=billing_email,
        phone=phone,
        payment_term_days=payment_term_days,
    )
    if not coops:
        raise ValidationError({"coops": [_("Choose at least one coop.")]})
    if run_by_member is not None and (contact_user is None or run_by_member.user_id != contact_user.pk):
        raise BusinessError(_("Only the member themselves can say the business is run by them."))
    if contact_user is None:
        contact_email = (contact_email or "").strip().lower()
        validate_email(contact_email)
        validate_password(password, User(email=contact_email, first_name=contact_first_name))
    try:
        with transaction.atomic():
            if Business.objects.filter(kvk_number=fields["kvk_number"]).exists():
                raise _kvk_taken()
            address = None
            if contact_user is None:
                if User.objects.filter(email__iexact=contact_email).exists():
                    raise BusinessError(
                        {
                            "contact_email": [
                                _("There is already an account with this e-mail address. Log in first, then register.")
                            ]
                        }
                    )
                contact_user = User.objects.create_user(
                    email=contact_email,
                    password=password,
                    first_name=contact_first_name.strip(),
                    last_name=contact_last_name.strip(),
                )
                address = EmailAddress.objects.create(
                    user=contact_user, email=contact_email, primary=True, verified=False
                )
            business = Business.objects.create(run_by_member=run_by_member, **fields)
            for coop in coops:
                BusinessRelation.objects.create(business=business, coop=coop)
            Role.objects.create(user=contact_user, kind=Role.Kind.BUSINESS_CONTACT, business=business)
            for coop in coops:
                AuditContext(actor=contact_user).record(
                    action="business.registered",
                    subject=business,
                    coop=coop,
                    data={
                        "kvk_number": business.kvk_number,
                        "contact": contact_user.email,
                        "run_by_member": run_by_member.pk if run_by_member else None,
                    },
                )
            if address is not None:
                address.send_confirmation(request_for_links(request), signup=True)
    except IntegrityError:
        raise _kvk_taken() from None
    return business


BUSINESS_EDITABLE = (
    "legal_name",
    "trade_name",
    "vat_id",
    "street",
    "postcode",
    "city",
    "billing_email",
    "phone",
    "payment_term_days",
)


def business_update(*, ctx: AuditContext, business: Business, **changes: Any) -> Business:
    """Change a business's details (not its KvK number). Raises ValidationError."""
    unknown = set(changes) - set(BUSINESS_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = Business.objects.select_for_update().get(pk=business.pk)
        current = {name: getattr(locked, name) for name in BUSINESS_EDITABLE}
        fields = business_fields_clean(kvk_number=locked.kvk_number, **{**current, **changes})
        fields.pop("kvk_number")
        changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        data = {name: {"old": getattr(locked, name), "new": value} for name, value in changed.items()}
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(changed))
        for relation in locked.relations.select_related("coop"):
            ctx.record(action="business.details_changed", subject=locked, coop=relation.coop, data=data)
    return locked


def business_contact_add(
    *, ctx: AuditContext, business: Business, email: str, first_name: str = "", last_name: str = ""
) -> Role:
    """Let another person act for the business: reuse their account or create one and invite them.

    Raises ValidationError (bad e-mail) or BusinessError (already a contact).
    """
    email = (email or "").strip().lower()
    validate_email(email)
    with transaction.atomic():
        locked = Business.objects.select_for_update().get(pk=business.pk)
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(
                email=email, password=None, first_name=first_name.strip(), last_name=last_name.strip()
            )
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        if Role.objects.filter(user=user, kind=Role.Kind.BUSINESS_CONTACT, business=locked).exists():
            raise BusinessError(_("This person can already act for the business."), code="already_contact")
        role = Role.objects.create(user=user, kind=Role.Kind.BUSINESS_CONTACT, business=locked)
        for relation in locked.relations.select_related("coop"):
            ctx.record(
                action="business.contact_added",
                subject=locked,
                coop=relation.coop,
                data={"contact": email, "new_account": created},
            )
        email_send_to_user(
            user=user,
            template="members/business_contact_added",
            context={"business": locked, "new_account": created, "added_by": ctx.actor},
        )
    return role


def business_contact_remove(*, ctx: AuditContext, business: Business, user_id: int) -> None:
    """Stop a person acting for the business; the last contact cannot be removed. Raises BusinessError."""
    with transaction.atomic():
        # Lock the business so two contacts removing each other cannot leave it with none.
        locked = Business.objects.select_for_update().get(pk=business.pk)
        roles = list(Role.objects.filter(business=locked, kind=Role.Kind.BUSINESS_CONTACT).select_related("user"))
        role = next((r for r in roles if r.user_id == user_id), None)
        if role is None:
            raise BusinessError(_("This person is not a contact of the business."), code="not_contact")
        if len(roles) == 1:
            raise BusinessError(
                _("A business needs at least one contact. Add someone else first."), code="last_contact"
            )
        email = role.user.email
        role.delete()
        for relation in locked.relations.select_related("coop"):
            ctx.record(action="business.contact_removed", subject=locked, coop=relation.coop, data={"contact": email})
