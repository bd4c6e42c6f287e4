"""seed_demo: a realistic, valid, deterministic demo federation that the flows can run on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO

import pytest
import stdnum.nl.btw
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from schwifty import IBAN

from coop.demo.neighbourhoods import DEMO_PASSWORD, NEIGHBOURHOODS, STAFF
from coop.demo.services import DemoSeedError, DemoSeedResult, demo_seed
from coop.models import AuditEvent, Cooperative
from coop.money import to_decimal
from coop.rulebook.selectors import rule_value, rule_values
from jobs.hours.services import hour_entry_approve
from jobs.models import Assignment, HourEntry, Job, Offer, Shift
from jobs.pricing import minimum_client_rate
from jobs.services.offers import offer_accept
from members.models import Business, BusinessRelation, Member, MemberShare, MemberSkill, Role, User
from members.validators import iban_clean, phone_clean, postcode_clean, vat_id_clean

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list[str]]:
    return {
        "emails": list(Member.objects.order_by("user__email").values_list("user__email", flat=True)),
        "names": sorted(f"{m.first_name} {m.last_name}" for m in Member.objects.all()),
        "ibans": sorted(Member.objects.values_list("iban", flat=True)),
        "kvk": sorted(Business.objects.values_list("kvk_number", flat=True)),
        "jobs": sorted(
            f"{j.business} {j.title} {j.hourly_client_rate}" for j in Job.objects.select_related("business")
        ),
    }


def _seed_and_roll_back(seed: int) -> dict[str, list[str]]:
    with transaction.atomic():
        demo_seed(members=25, businesses=4, seed=seed)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_seeds_two_coops_with_valid_legal_details_and_rulebook(seeded: DemoSeedResult) -> None:
    coops = {c.slug: c for c in Cooperative.objects.all()}
    assert set(coops) == {"kanaleneiland", "lunetten"}
    assert coops["kanaleneiland"].postcode_areas == ["3525", "3526", "3527"]
    assert coops["lunetten"].postcode_areas == ["3523"]
    assert {c.invoice_prefix for c in coops.values()} == {"KAN", "LUN"}
    founded = dt.date(timezone.localdate().year - 1, 1, 1)
    for coop in coops.values():
        assert len(coop.kvk_number) == 8 and coop.kvk_number.isdigit()
        assert stdnum.nl.btw.is_valid(coop.vat_id)
        assert IBAN(coop.iban).country_code == "NL"
        assert coop.wtta_number
        version, _values = rule_values(coop, on=founded)
        assert version.effective_from == founded


def test_same_seed_gives_the_same_people_and_businesses(db: None) -> None:
    first = _seed_and_roll_back(seed=3)
    second = _seed_and_roll_back(seed=3)
    other = _seed_and_roll_back(seed=4)
    assert first == second
    assert first["emails"] != other["emails"]
    assert not Cooperative.objects.exists()  # the rollbacks really left nothing behind


def test_every_generated_identifier_is_valid(seeded: DemoSeedResult) -> None:
    members = list(Member.objects.all())
    assert len(members) == 30 + 5  # generated residents + four board members + the demo member
    for m in members:
        assert iban_clean(m.iban) == m.iban
        assert postcode_clean(m.postcode) == m.postcode
        assert phone_clean(m.phone) == m.phone
        assert 18 <= m.age_on(timezone.localdate()) < 67
    businesses = list(Business.objects.all())
    assert len({b.kvk_number for b in businesses}) == len(businesses) == 5 + 1  # + the demo bakery
    for b in businesses:
        assert len(b.kvk_number) == 8 and b.kvk_number.isdigit()
        assert stdnum.nl.btw.is_valid(b.vat_id) and vat_id_clean(b.vat_id) == b.vat_id
        assert postcode_clean(b.postcode) == b.postcode
        assert phone_clean(b.phone) == b.phone


def test_most_members_live_in_their_own_coops_neighbourhood(seeded: DemoSeedResult) -> None:
    members = list(Member.objects.select_related("coop"))
    inside = [m for m in members if m.coop.covers_postcode(m.postcode)]
    assert len(inside) >= 0.7 * len(members)


def test_member_statuses_are_mixed_and_admitted_members_owe_or_paid_share_capital(seeded: DemoSeedResult) -> None:
    statuses = set(Member.objects.values_list("status", flat=True))
    assert Member.Status.ACTIVE in statuses and len(statuses) >= 2
    for m in Member.objects.select_related("coop").prefetch_related("shares"):
        shares = list(m.shares.all())
        if m.status in (Member.Status.ACTIVE, Member.Status.PAUSED, Member.Status.LEFT):
            assert m.member_number is not None and m.decided_at is not None
            assert len(shares) == 1
            share = shares[0]
            assert share.total.amount == rule_value(m.coop, "membership_share_capital", on=m.decided_at.date())
            assert share.issued_on == m.decided_at.date()
            if m.status == Member.Status.LEFT:
                assert share.status in (
                    MemberShare.Status.REFUND_DUE,
                    MemberShare.Status.REFUND_APPROVED,
                    MemberShare.Status.CANCELLED,
                )
            else:
                assert share.status in (MemberShare.Status.PAID, MemberShare.Status.OWED)
        else:
            assert shares == []
        assert AuditEvent.objects.filter(action="member.applied", subject_id=str(m.pk)).exists()


def test_the_share_register_matches_the_books_and_a_refund_is_ready_for_a_batch(seeded: DemoSeedResult) -> None:
    from coop.ledger.models import Account, AccountCode
    from coop.ledger.selectors import account_balance, trial_balance
    from invoicing.models import PayoutBatch
    from invoicing.payments.payouts import payout_batch_approve
    from invoicing.payments.shares import share_refund_batch_prepare
    from members.selectors import share_register_list

    coop = Cooperative.objects.get(slug="kanaleneiland")
    assert trial_balance(coop).total.amount == 0
    rows = share_register_list(coop)
    open_total = sum(r.open_amount.amount for r in rows)
    receivable = sum(
        account_balance(a).amount for a in Account.objects.filter(coop=coop, code=AccountCode.SHARES_RECEIVABLE)
    )
    assert receivable == open_total
    ready = [r.share for r in rows if r.share.status == MemberShare.Status.REFUND_APPROVED]
    assert len(ready) == 1 and ready[0].member.status == Member.Status.LEFT
    # The done-when of the demo: a member who left gets their share back in a payout batch.
    coordinator = User.objects.get(email="coordinator@kanaleneiland.example.org")
    batch = share_refund_batch_prepare(coop=coop, actor=coordinator)
    assert batch.kind == PayoutBatch.Kind.SHARES and batch.items.get().member_id == ready[0].member_id
    payout_batch_approve(batch_id=batch.pk, actor=User.objects.get(email="board2@kanaleneiland.example.org"))
    assert trial_balance(coop).total.amount == 0
    refunded = next(r for r in share_register_list(coop) if r.share.pk == ready[0].pk)
    assert refunded.refunded_on is not None


def test_every_coop_owned_row_belongs_to_exactly_one_seeded_coop(seeded: DemoSeedResult) -> None:
    coop_ids = set(Cooperative.objects.values_list("pk", flat=True))
    assert set(Member.objects.values_list("coop_id", flat=True)) <= coop_ids
    relations = defaultdict(set)
    for business_id, coop_id in BusinessRelation.objects.values_list("business_id", "coop_id"):
        relations[business_id].add(coop_id)
    assert set(relations) == set(Business.objects.values_list("pk", flat=True))
    for job in Job.objects.all():
        assert job.coop_id in relations[job.business_id]
    for a in Assignment.objects.select_related("member", "shift__job"):
        assert a.member.coop_id == a.shift.job.coop_id
    for o in Offer.objects.select_related("member", "shift__job"):
        assert o.member.coop_id == o.shift.job.coop_id
    for role in Role.objects.all():
        if role.kind == Role.Kind.BUSINESS_CONTACT:
            assert role.coop_id is None and role.business_id is not None
        else:
            assert role.coop_id in coop_ids and role.business_id is None


HOME_OF = {
    "admin": "/admin/",
    "servicedesk": "office_home",
    "coordinator": "office_home",
    "board": "office_home",
    "member": "member_home",
    "business": "business_home",
}
KIND_OF = {spec.email: spec.kind for spec in STAFF}


def test_demo_logins_can_log_in_at_once(seeded: DemoSeedResult, client) -> None:  # type: ignore[no-untyped-def]
    assert len(seeded.logins) == 10
    for login in seeded.logins:
        user = User.objects.get(email=login.email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=login.email, verified=True, primary=True).exists()
        client.force_login(user)
        home = HOME_OF[KIND_OF[login.email]]
        response = client.get(home if home.startswith("/") else reverse(home), follow=True)
        assert response.status_code == 200, (login.email, home, response.redirect_chain)
        assert "/accounts/login" not in response.request["PATH_INFO"]
        client.logout()


def test_demo_member_logs_in_through_the_real_login_form(seeded: DemoSeedResult, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("account_login"), {"login": "member@kanaleneiland.example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="member@kanaleneiland.example.org").pk)
    # Generated people verified too, so any of them can be tried in the demo.
    assert not EmailAddress.objects.filter(verified=False).exists()
    assert EmailAddress.objects.count() == User.objects.count()


def test_demo_staff_have_the_roles_the_flows_need(seeded: DemoSeedResult) -> None:
    kan, lun = Cooperative.objects.get(slug="kanaleneiland"), Cooperative.objects.get(slug="lunetten")
    for coop in (kan, lun):
        assert Role.objects.filter(kind=Role.Kind.BOARD, coop=coop).count() == 2  # four eyes
        assert Role.objects.filter(kind=Role.Kind.COORDINATOR, coop=coop).count() == 2  # own + service desk
    desk = User.objects.get(email="servicedesk@example.org")
    assert set(Role.objects.filter(user=desk).values_list("coop__slug", flat=True)) == {"kanaleneiland", "lunetten"}
    assert User.objects.get(email="admin@example.org").is_superuser
    member = Member.objects.get(user__email="member@kanaleneiland.example.org")
    assert member.status == Member.Status.ACTIVE and member.coop == kan
    assert member.has_assisted_consent and member.profile.target_hours_per_week > 0
    assert MemberSkill.objects.filter(profile=member.profile).count() >= 4
    assert Offer.objects.filter(member=member, status=Offer.Status.PENDING).exists()
    assert HourEntry.objects.filter(assignment__member=member).exists()
    contact = User.objects.get(email="business@kanaleneiland.example.org")
    bakery = Business.objects.get(roles__user=contact)
    assert HourEntry.objects.filter(assignment__shift__job__business=bakery, status=HourEntry.Status.SUBMITTED).exists()


def test_past_hours_belong_to_assignments_of_active_members(seeded: DemoSeedResult) -> None:
    today = timezone.localdate()
    entries = list(HourEntry.objects.select_related("assignment__member", "assignment__shift"))
    assert entries
    for e in entries:
        assert e.assignment.member.status == Member.Status.ACTIVE
        assert e.assignment.status == Assignment.Status.ACTIVE
        assert e.assignment.shift.date < today
        assert e.end_time > e.start_time
        assert e.submitted_at <= timezone.now()
        if e.status == HourEntry.Status.APPROVED:
            assert e.approved_at is not None
    statuses = {e.status for e in entries}
    assert HourEntry.Status.APPROVED in statuses and HourEntry.Status.SUBMITTED in statuses
    # Enough approved work for the invoice run to bill.
    assert sum(1 for e in entries if e.status == HourEntry.Status.APPROVED) >= len(entries) // 2


def test_assignments_respect_the_hard_matching_constraints(seeded: DemoSeedResult) -> None:
    by_member_day: dict[tuple[int, dt.date], list[Shift]] = defaultdict(list)
    week_minutes: dict[tuple[int, int, int], int] = defaultdict(int)
    assignments = Assignment.objects.select_related("member__coop", "member__profile", "shift__job").prefetch_related(
        "shift__job__required_skills", "member__profile__member_skills"
    )
    for a in assignments:
        shift, profile = a.shift, a.member.profile
        assert profile.is_available(shift.weekday, shift.daypart)
        skills = {ms.skill_id: ms for ms in profile.member_skills.all()}
        for skill in shift.job.required_skills.all():
            assert skill.pk in skills
            if skill.requires_certificate:
                valid_until = skills[skill.pk].certificate_valid_until
                assert valid_until is not None and valid_until >= shift.date
        for other in by_member_day[(a.member_id, shift.date)]:
            assert not (other.start_time < shift.end_time and shift.start_time < other.end_time)
        by_member_day[(a.member_id, shift.date)].append(shift)
        year, week, _ = shift.date.isocalendar()
        week_minutes[(a.member_id, year, week)] += int(shift.hours * 60)
    max_hours = {c.pk: rule_value(c, "max_hours_per_week") for c in Cooperative.objects.all()}
    coop_of = dict(Member.objects.values_list("pk", "coop_id"))
    for (member_id, _y, _w), minutes in week_minutes.items():
        assert minutes <= max_hours[coop_of[member_id]] * 60


def test_client_rates_pass_the_rulebook_rate_check(seeded: DemoSeedResult) -> None:
    for job in Job.objects.select_related("coop").prefetch_related("shifts"):
        wages = rule_values(job.coop)[1]["member_wage_hourly"]
        assert job.category in wages
        for day in {s.date for s in job.shifts.all()}:
            minimum = minimum_client_rate(coop=job.coop, category=job.category, on=day)
            assert to_decimal(job.hourly_client_rate) >= to_decimal(minimum), (job, day)


def test_open_jobs_have_shifts_in_the_next_two_weeks(seeded: DemoSeedResult) -> None:
    today = timezone.localdate()
    upcoming = Shift.objects.filter(
        job__status=Job.Status.OPEN, date__gte=today, date__lte=today + dt.timedelta(days=14)
    )
    assert upcoming.exists()
    assert not Shift.objects.filter(date__gt=today + dt.timedelta(days=14)).exists()
    assert not Shift.objects.filter(date__lt=today - dt.timedelta(days=21)).exists()


def test_second_run_is_a_no_op(seeded: DemoSeedResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = (User.objects.count(), Member.objects.count(), Job.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", members=30, businesses=5, seed=7, logins_file=tmp_path / "logins.txt", stdout=out)
    assert "already seeded" in out.getvalue()
    assert (User.objects.count(), Member.objects.count(), Job.objects.count(), AuditEvent.objects.count()) == before
    assert "member@kanaleneiland.example.org" in (tmp_path / "logins.txt").read_text()


def test_command_prints_and_writes_the_logins(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    path = tmp_path / "var" / "demo-logins.txt"
    call_command("seed_demo", members=8, businesses=2, seed=1, logins_file=path, stdout=out)
    text = path.read_text(encoding="utf-8")
    assert DEMO_PASSWORD in text
    for email in (
        "admin@example.org",
        "coordinator@kanaleneiland.example.org",
        "board2@lunetten.example.org",
        "member@kanaleneiland.example.org",
        "business@kanaleneiland.example.org",
    ):
        assert email in text
    assert text in out.getvalue()


def test_one_coop_only_moves_the_demo_member_and_business_there(db: None) -> None:
    result = demo_seed(members=10, businesses=2, seed=2, coops=["lunetten"])
    assert list(Cooperative.objects.values_list("slug", flat=True)) == ["lunetten"]
    emails = {login.email for login in result.logins}
    assert "member@lunetten.example.org" in emails and "coordinator@kanaleneiland.example.org" not in emails
    assert Member.objects.get(user__email="member@lunetten.example.org").coop.slug == "lunetten"


def test_refuses_in_production_and_changes_nothing(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", members=5, businesses=1, stdout=StringIO())
    assert not Cooperative.objects.exists() and not User.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"members": -1, "businesses": 1}, "0 or more"),
        ({"members": 1, "businesses": 1, "coops": ["utrecht"]}, "Unknown"),
    ],
)
def test_bad_arguments_are_refused(db: None, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(DemoSeedError, match=message):
        demo_seed(**kwargs)
    assert not Cooperative.objects.exists()


def test_a_failure_half_way_leaves_nothing_behind(db: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("coop.demo.services.seed.work_seed", boom)
    with pytest.raises(RuntimeError):
        demo_seed(members=10, businesses=2, seed=1)
    assert not Cooperative.objects.exists()
    assert not User.objects.exists() and not Member.objects.exists() and not Business.objects.exists()


def test_existing_demo_login_without_demo_coops_is_a_clear_error(db: None) -> None:
    User.objects.create_user("admin@example.org", "something-else")
    with pytest.raises(DemoSeedError, match=r"admin@example\.org"):
        demo_seed(members=3, businesses=1)
    assert not Cooperative.objects.exists()


def test_neighbourhood_specs_carry_valid_identifiers() -> None:
    for spec in NEIGHBOURHOODS.values():
        assert stdnum.nl.btw.is_valid(spec.vat_id)
        assert str(IBAN(spec.iban).bic) == spec.bic
        assert phone_clean(spec.phone) == spec.phone
        assert postcode_clean(spec.postcode) == spec.postcode
        assert spec.postcode[:4] in spec.postcode_areas


def test_with_invoices_runs_the_invoice_run_after_seeding(db: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out, err = StringIO(), StringIO()
    call_command(
        "seed_demo",
        members=20,
        businesses=3,
        seed=5,
        with_invoices=True,
        logins_file=tmp_path / "l.txt",
        stdout=out,
        stderr=err,
    )
    # The run is optional: whether it billed or reported a failure, the seed itself stays committed.
    assert "Invoice run Kanaleneiland" in out.getvalue() + err.getvalue()
    assert Cooperative.objects.count() == 2 and HourEntry.objects.exists()


def test_demo_people_and_bakery_live_in_their_coops_neighbourhood(db: None) -> None:
    demo_seed(members=5, businesses=1, seed=1, coops=["lunetten"])
    lunetten = Cooperative.objects.get(slug="lunetten")
    assert lunetten.covers_postcode(Member.objects.get(user__email="member@lunetten.example.org").postcode)
    assert lunetten.covers_postcode(Business.objects.get(roles__user__email="business@lunetten.example.org").postcode)


def test_a_business_can_be_run_by_a_member_who_is_also_its_contact(seeded: DemoSeedResult) -> None:
    run = list(Business.objects.filter(run_by_member__isnull=False).select_related("run_by_member"))
    assert run
    for business in run:
        assert business.run_by_member is not None
        assert Role.objects.filter(
            user=business.run_by_member.user_id, kind=Role.Kind.BUSINESS_CONTACT, business=business
        ).exists()


@pytest.mark.parametrize("offset", range(7))
def test_demo_flows_are_visible_whatever_the_weekday(db: None, offset: int) -> None:
    """The demo member has work, hours and an offer, and the bakery has hours to approve, on any day."""
    today = dt.date(2026, 11, 16) + dt.timedelta(days=offset)  # a Monday + offset
    demo_seed(members=15, businesses=2, seed=11, today=today)
    member = Member.objects.get(user__email="member@kanaleneiland.example.org")
    assert Offer.objects.filter(member=member, status=Offer.Status.PENDING, shift__date__gte=today).exists()
    assert HourEntry.objects.filter(assignment__member=member, assignment__shift__date__lt=today).exists()
    assert HourEntry.objects.filter(
        assignment__shift__job__business__roles__user__email="business@kanaleneiland.example.org",
        status=HourEntry.Status.SUBMITTED,
    ).exists()
    assert Shift.objects.filter(job__status=Job.Status.OPEN, date__gte=today).exists()


def test_demo_member_can_accept_her_offer_and_the_bakery_can_approve_hours(seeded: DemoSeedResult) -> None:
    member = Member.objects.get(user__email="member@kanaleneiland.example.org")
    offer = Offer.objects.filter(member=member, status=Offer.Status.PENDING).order_by("shift__date").first()
    assert offer is not None
    assignment = offer_accept(offer_id=offer.pk, member=member, actor=member.user)
    assert assignment.shift_id == offer.shift_id
    contact = User.objects.get(email="business@kanaleneiland.example.org")
    entry = HourEntry.objects.filter(
        assignment__shift__job__business__roles__user=contact, status=HourEntry.Status.SUBMITTED
    ).first()
    assert entry is not None
    assert hour_entry_approve(entry_id=entry.pk, actor=contact).status == HourEntry.Status.APPROVED


def test_shifts_are_never_overbooked_and_pending_offers_have_a_free_seat(seeded: DemoSeedResult) -> None:
    for shift in Shift.objects.prefetch_related("assignments", "offers"):
        active = [a for a in shift.assignments.all() if a.status == Assignment.Status.ACTIVE]
        pending = [o for o in shift.offers.all() if o.status == Offer.Status.PENDING]
        assert len(active) + len(pending) <= shift.seats
        assert len({a.member_id for a in active} | {o.member_id for o in pending}) == len(active) + len(pending)
        if shift.status == Shift.Status.CANCELLED:
            assert not active and not pending
