"""Becoming a member: apply (with e-mail confirmation), then admit or reject."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.models import Cooperative
from members import validators
from members.exceptions import MembershipError, TransitionNotAllowedError
from members.models import Language, Member, MemberShare, User, WorkerProfile
from members.selectors import AuditContext
from members.services.emails import email_send_to_user, request_for_links
from members.services.lifecycle import _locked, _member_transition, _reason_required
from members.services.shares import share_issue, share_payment_record, share_wage_deduction_agree


def languages_clean(languages: list[str]) -> list[str]:
    valid = set(Language.values)
    unknown = [code for code in languages if code not in valid]
    if unknown:
        raise ValidationError(_("Choose languages from the list."), code="languages")
    return sorted(set(languages), key=Language.values.index)


def _email_taken_error() -> MembershipError:
    return MembershipError(
        _("There is already an account with this e-mail address. Log in, or use another address."),
        code="email_taken",
    )


def member_apply(
    *,
    coop: Cooperative,
    first_name: str,
    last_name: str,
    postcode: str,
    house_number: str,
    phone: str,
    iban: str,
    date_of_birth: dt.date,
    languages: list[str],
    email: str = "",
    password: str = "",
    user: User | None = None,
    request: HttpRequest | None = None,
) -> Member:
    """Create a user (unless `user` is given) and an applied member, and send the e-mail confirmation.

    Raises MembershipError (e-mail taken, already a member) or ValidationError (bad input).
    """
    postcode = validators.postcode_clean(postcode)
    phone = validators.phone_clean(phone)
    iban = validators.iban_clean(iban)
    date_of_birth = validators.date_of_birth_clean(date_of_birth)
    languages = languages_clean(languages)
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise ValidationError(_("Fill in your first and last name."), code="name")
    if user is None:
        email = (email or "").strip().lower()
        validate_email(email)
        validate_password(password, User(email=email, first_name=first_name, last_name=last_name))
    try:
        with transaction.atomic():
            if user is None:
                if User.objects.filter(email__iexact=email).exists():
                    raise _email_taken_error()
                user = User.objects.create_user(
                    email=email, password=password, first_name=first_name, last_name=last_name
                )
                address = EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            else:
                user = User.objects.select_for_update().get(pk=user.pk)
                address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
            if Member.objects.filter(user=user).exists():
                raise MembershipError(_("You are already a member, or you already applied."), code="already_member")
            member = Member.objects.create(
                user=user,
                coop=coop,
                status=Member.Status.APPLIED,
                first_name=first_name,
                last_name=last_name,
                postcode=postcode,
                house_number=house_number.strip(),
                phone=phone,
                iban=iban,
                date_of_birth=date_of_birth,
                languages=languages,
            )
            AuditContext(actor=user).record(
                action="member.applied", subject=member, coop=coop, data={"coop": coop.slug}
            )
            if address is not None and not address.verified:
                # allauth's own confirmation mail; the adapter queues it for after the commit.
                address.send_confirmation(request_for_links(request), signup=True)
    except IntegrityError:
        # Two applications with the same e-mail at the same moment: the unique index decides.
        raise _email_taken_error() from None
    return member


def member_admit(
    *,
    ctx: AuditContext,
    member: Member,
    share_capital_paid: bool,
    wage_deduction_agreed: bool = False,
    on: dt.date | None = None,
) -> Member:
    """Admit an applicant: next member number in the coop, a share at the rulebook's value (posted as owed,
    and as paid when it was paid at the desk), a worker profile.

    `wage_deduction_agreed`: the member agrees their first wages pay the share (if the rulebook allows).
    Raises TransitionNotAllowedError if the member is not (any longer) an applicant, ShareError.
    """
    with transaction.atomic():
        # Lock the coop row first: member numbers are handed out one at a time per coop.
        coop = Cooperative.objects.select_for_update().get(pk=member.coop_id)
        locked = _locked(member)
        if locked.status != Member.Status.APPLIED:
            raise TransitionNotAllowedError(_("This person is not waiting for a decision."), code="not_applied")
        day = on or timezone.localdate()
        number = (Member.objects.filter(coop=coop).aggregate(m=Max("member_number"))["m"] or 0) + 1
        _member_transition(
            locked,
            Member.Status.ACTIVE,
            ctx=ctx,
            action="member.admitted",
            data={"member_number": number},
            fields={"member_number": number, "decided_at": timezone.now(), "decided_by": ctx.actor},
        )
        share = share_issue(ctx=ctx, member=locked, on=day)
        if share_capital_paid and share.status == MemberShare.Status.OWED:
            share_payment_record(ctx=ctx, share=share, amount=share.total, paid_on=min(day, timezone.localdate()))
        elif wage_deduction_agreed and share.status == MemberShare.Status.OWED:
            share_wage_deduction_agree(ctx=ctx, member=locked)
        WorkerProfile.objects.get_or_create(member=locked)
        share.refresh_from_db()
        email_send_to_user(
            user=locked.user,
            template="members/member_admitted",
            context={"member": locked, "coop": coop, "share": share},
        )
    return locked


def member_reject(*, ctx: AuditContext, member: Member, reason: str) -> Member:
    """Reject an application with a reason, which is e-mailed to the applicant.

    Raises MembershipError (no reason) or TransitionNotAllowedError.
    """
    reason = _reason_required(reason)
    with transaction.atomic():
        locked = _locked(member)
        _member_transition(
            locked,
            Member.Status.REJECTED,
            ctx=ctx,
            action="member.rejected",
            data={"reason": reason},
            fields={"rejection_reason": reason, "decided_at": timezone.now(), "decided_by": ctx.actor},
        )
        email_send_to_user(
            user=locked.user,
            template="members/member_rejected",
            context={"member": locked, "coop": locked.coop, "reason": reason},
        )
    return locked
