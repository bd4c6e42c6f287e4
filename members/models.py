"""People: users, members, worker profiles, skills, businesses and roles.

Design overview
---------------
`User` logs in with an e-mail address (django-allauth). What a user may do follows from rows:
- a `Member` row makes them a member of exactly one coop (OneToOne), with a status that moves
  through an explicit state machine (applied -> active -> paused/left, or rejected);
- `MemberShare` rows are the share register: the shares a member took up at admission, what was
  paid in (`SharePayment`, by bank or from wages), and the refund after leaving;
- `Role` rows make them a coordinator or board member of one coop each (a service-centre
  coordinator simply has several), or a contact of a business (coop empty).

A `WorkerProfile` holds what matching needs: target hours per week (the stapelbaan goal), an
optional monthly earnings cap, travel preference, and weekly availability as a 21-bit mask
(7 days x morning/afternoon/evening) so candidate filtering is a bit test, not a join.
Skills are data managed by coordinators; `MemberSkill` adds a certificate expiry where needed.

A `Business` can work with several coops; `BusinessRelation` says which, and is what a coop owns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.identifiers import validate_iban, validate_kvk, validate_vat_id
from coop.limits import NOTE_MAX_LENGTH
from coop.models import AppendOnlyModel, AppendOnlyQuerySet, Cooperative


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # django-stubs types AbstractUser.objects as auth's username-based manager; ours logs in by e-mail.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.email


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    BERBER = "ber", _("Tamazight (Berber)")
    POLISH = "pl", _("Polish")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    PAPIAMENTO = "pap", _("Papiamento")
    UKRAINIAN = "uk", _("Ukrainian")


class Member(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")
        REJECTED = "rejected", _("Rejected")

    # Suspension is the board's measure (art. 2:38 BW: a suspended member does not vote); only the
    # board lifts it or ends the membership.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.APPLIED: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.PAUSED, Status.SUSPENDED, Status.LEFT},
        Status.PAUSED: {Status.ACTIVE, Status.LEFT},
        Status.SUSPENDED: {Status.ACTIVE, Status.LEFT},
        Status.LEFT: set(),
        Status.REJECTED: set(),
    }

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member")
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="members")
    member_number = models.PositiveIntegerField(_("member number"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=7)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    date_of_birth = models.DateField(_("date of birth"))
    languages = models.JSONField(_("languages"), default=list)
    applied_at = models.DateTimeField(_("applied on"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("reason for rejection"), max_length=NOTE_MAX_LENGTH, blank=True)
    suspension_reason = models.TextField(_("reason for suspension"), max_length=NOTE_MAX_LENGTH, blank=True)
    assisted_consent_at = models.DateTimeField(_("consent for help given on"), null=True, blank=True)
    assisted_consent_note = models.CharField(_("how consent was given"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["applied", "active", "paused", "suspended", "left", "rejected"]),
                name="member_status_valid",
            ),
            models.UniqueConstraint(fields=["coop", "member_number"], name="member_number_unique_per_coop"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("rejection_reason"), NOTE_MAX_LENGTH),
                name="member_rejection_reason_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("suspension_reason"), NOTE_MAX_LENGTH),
                name="member_suspension_reason_length",
            ),
        ]
        indexes = [models.Index(fields=["coop", "status"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def language_names(self) -> list[str]:
        """The spoken languages by name, in the current UI language."""
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]

    @property
    def has_assisted_consent(self) -> bool:
        return self.assisted_consent_at is not None

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


class MemberShare(models.Model):
    """One line of the share register: shares a member took up, at the nominal value of that day.

    Paid is the sum of its `SharePayment` rows; refunded is a fact of the books (the payout batch
    that repays it was approved), read by the share selectors, as a fund payout's is.
    """

    class Status(models.TextChoices):
        OWED = "owed", _("Not paid yet")
        PAID = "paid", _("Paid")
        REFUND_DUE = "refund_due", _("Member left, refund waiting")
        REFUND_APPROVED = "refund_approved", _("Refund approved by the board")
        IN_BATCH = "in_batch", _("Refund in a payout batch")
        CANCELLED = "cancelled", _("Cancelled, nothing was paid")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.OWED: {Status.PAID, Status.REFUND_DUE, Status.CANCELLED},
        Status.PAID: {Status.REFUND_DUE},
        Status.REFUND_DUE: {Status.REFUND_APPROVED},
        Status.REFUND_APPROVED: {Status.IN_BATCH},
        # A cancelled batch gives the refund back to the next batch.
        Status.IN_BATCH: {Status.IN_BATCH},
        Status.CANCELLED: set(),
    }

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="member_shares")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="shares")
    quantity = models.PositiveSmallIntegerField(_("number of shares"))
    nominal_value = MoneyField(_("value per share"), max_digits=10, decimal_places=2, default_currency="EUR")
    total = MoneyField(_("total"), max_digits=10, decimal_places=2, default_currency="EUR")
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OWED)
    wage_deduction_agreed_at = models.DateTimeField(_("agreed to pay from wages on"), null=True, blank=True)
    left_on = models.DateField(_("member left on"), null=True, blank=True)
    refund_amount = MoneyField(
        _("refund"), max_digits=10, decimal_places=2, default_currency="EUR", null=True, blank=True
    )
    refund_due_on = models.DateField(_("refund possible from"), null=True, blank=True)
    refund_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund_approved_at = models.DateTimeField(_("refund approved on"), null=True, blank=True)
    # The payout line that repays it (invoicing sits above members: a plain id, as the ledger keeps its parties).
    refund_payout_item_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        ordering = ["coop", "issued_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["owed", "paid", "refund_due", "refund_approved", "in_batch", "cancelled"]
                ),
                name="member_share_status_valid",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="member_share_quantity_positive"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="member_share_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.quantity} x {self.nominal_value}"


class SharePayment(AppendOnlyModel):
    """Money paid in for a share (append-only): at the bank, or deducted from wages with consent."""

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        WAGES = "wages", _("Deducted from wages")

    share = models.ForeignKey(MemberShare, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(_("amount"), max_digits=10, decimal_places=2, default_currency="EUR")
    method = models.CharField(_("paid by"), max_length=10, choices=Method.choices)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("share payment")
        verbose_name_plural = _("share payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="share_payment_amount_positive"),
            models.CheckConstraint(condition=models.Q(method__in=["bank", "wages"]), name="share_payment_method_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.share.member}: {self.amount} ({self.method})"


class Skill(models.Model):
    slug = models.SlugField(unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    requires_certificate = models.BooleanField(_("needs a certificate"), default=False)
    certificate_name = models.CharField(_("certificate"), max_length=100, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class Daypart(models.IntegerChoices):
    MORNING = 0, _("Morning")
    AFTERNOON = 1, _("Afternoon")
    EVENING = 2, _("Evening")


def availability_bit(weekday: int, daypart: int) -> int:
    """The bit of one (weekday 0=Monday .. 6, daypart 0..2) slot in the availability mask."""
    return 1 << (weekday * 3 + daypart)


class WorkerProfile(models.Model):
    class Travel(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("Only in my own neighbourhood")
        CYCLING = "cycling", _("Within cycling distance")

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="profile")
    target_hours_per_week = models.PositiveSmallIntegerField(_("hours I want per week"), default=0)
    monthly_earnings_cap = MoneyField(
        _("most I may earn per month"),
        max_digits=10,
        decimal_places=2,
        default_currency="EUR",
        null=True,
        blank=True,
        help_text=_("Leave empty if you have no limit, for example from a benefit."),
    )
    max_travel = models.CharField(
        _("how far I want to travel"), max_length=15, choices=Travel.choices, default=Travel.CYCLING
    )
    availability_mask = models.PositiveIntegerField(_("availability"), default=0)
    skills: models.ManyToManyField[Skill, MemberSkill] = models.ManyToManyField(
        Skill, through="MemberSkill", related_name="profiles", blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("worker profile")
        verbose_name_plural = _("worker profiles")
        constraints = [
            models.CheckConstraint(condition=models.Q(availability_mask__lt=1 << 21), name="availability_mask_21_bits"),
        ]

    def __str__(self) -> str:
        return f"{self.member}"

    def is_available(self, weekday: int, daypart: int) -> bool:
        return bool(self.availability_mask & availability_bit(weekday, daypart))


class MemberSkill(models.Model):
    profile = models.ForeignKey(WorkerProfile, on_delete=models.CASCADE, related_name="member_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="member_skills")
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("member skill")
        verbose_name_plural = _("member skills")
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="member_skill_unique")]

    def __str__(self) -> str:
        return f"{self.profile.member}: {self.skill}"

    def is_valid_on(self, day: dt.date) -> bool:
        if not self.skill.requires_certificate:
            return True
        return self.certificate_valid_until is not None and self.certificate_valid_until >= day


class Business(models.Model):
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=8, unique=True, validators=[validate_kvk])
    vat_id = models.CharField(_("VAT id"), max_length=14, blank=True, validators=[validate_vat_id])
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("city"), max_length=100)
    billing_email = models.EmailField(_("e-mail for invoices"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the coop's payment term."),
    )
    run_by_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="businesses_run"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.trade_name or self.legal_name


class BusinessRelation(models.Model):
    """A business working with one coop; what the coop owns of a business."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="relations")
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="business_relations")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    since = models.DateField(_("since"), default=dt.date.today)

    class Meta:
        verbose_name = _("business relation")
        verbose_name_plural = _("business relations")
        constraints = [
            models.UniqueConstraint(fields=["business", "coop"], name="business_relation_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "ended"]), name="business_relation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} @ {self.coop}"


class Role(models.Model):
    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        BOARD = "board", _("Board member")
        BUSINESS_CONTACT = "business_contact", _("Business contact")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, null=True, blank=True, related_name="roles")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, null=True, blank=True, related_name="roles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["coordinator", "board"], coop__isnull=False, business__isnull=True)
                    | models.Q(kind="business_contact", business__isnull=False, coop__isnull=True)
                ),
                name="role_scope_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "coop"], name="role_unique_per_coop", condition=models.Q(coop__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "business"],
                name="role_unique_per_business",
                condition=models.Q(business__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {self.coop or self.business}"
