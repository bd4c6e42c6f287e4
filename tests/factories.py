"""factory_boy factories, named by the state they build."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from coop.models import Cooperative
from coop.rulebook.models import RuleVersion
from coop.rulebook.services import _version_write, rule_changes_check, rule_version_found
from members.models import Business, BusinessRelation, Member, Role, Skill, User, WorkerProfile


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True  # the hook creates related rows; the coop itself is unchanged

    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.Sequence(lambda n: f"wijk-{n}")
    legal_name = factory.LazyAttribute(lambda o: f"Wijkcoöperatie {o.name} U.A.")
    kvk_number = factory.Sequence(lambda n: f"{90000000 + n}")
    vat_id = "NL000099998B57"
    iban = "NL91ABNA0417164300"
    bic = "ABNANL2A"
    street = "Marshalllaan 1"
    postcode = "3527TK"
    city = "Utrecht"
    email = factory.LazyAttribute(lambda o: f"info@{o.slug}.example.nl")
    postcode_areas = factory.LazyFunction(lambda: ["3526", "3527"])
    invoice_prefix = factory.Sequence(lambda n: f"W{n:03d}")
    wtta_number = "WTTA-0001"

    @factory.post_generation
    def rulebook(obj: Cooperative, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create and not obj.rule_versions.exists():
            rule_version_found(coop=obj, effective_from=dt.date(2025, 1, 1), actor=None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.nl")
    first_name = "Sam"
    last_name = "de Vries"
    password = factory.django.Password("correct horse battery")


class AppliedMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True  # the hook creates the worker profile; the member is unchanged

    user = factory.SubFactory(UserFactory)
    coop = factory.SubFactory(CooperativeFactory)
    status = Member.Status.APPLIED
    first_name = factory.LazyAttribute(lambda o: o.user.first_name or "Fatima")
    last_name = factory.LazyAttribute(lambda o: o.user.last_name or "El Amrani")
    postcode = "3526KL"
    house_number = "12"
    phone = "0612345678"
    iban = "NL02ABNA0123456789"
    date_of_birth = dt.date(1985, 5, 17)
    languages = factory.LazyFunction(lambda: ["nl", "ar"])


class ActiveMemberFactory(AppliedMemberFactory):
    status = Member.Status.ACTIVE
    decided_at = factory.LazyFunction(timezone.now)
    member_number = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def profile(obj: Member, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            WorkerProfile.objects.get_or_create(member=obj, defaults={"target_hours_per_week": 20})


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"skill-{n}")
    name_nl = factory.Sequence(lambda n: f"Vaardigheid {n}")
    name_en = factory.Sequence(lambda n: f"Skill {n}")


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_name = factory.Sequence(lambda n: f"Bakkerij {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{60000000 + n}")
    vat_id = "NL000099998B57"
    street = "Kanaleneiland Centrum 5"
    postcode = "3526AB"
    city = "Utrecht"
    billing_email = factory.Sequence(lambda n: f"facturen{n}@bedrijf.example.nl")


def business_with_contact(coop: Cooperative, user: User | None = None) -> tuple[Business, User]:
    """A business working with `coop`, and a user who is its contact."""
    business = BusinessFactory()
    BusinessRelation.objects.create(business=business, coop=coop)
    contact = user or UserFactory(first_name="Kees", last_name="Bakker")
    Role.objects.create(user=contact, kind=Role.Kind.BUSINESS_CONTACT, business=business)
    return business, contact


def staff_user(coop: Cooperative, kind: str = Role.Kind.COORDINATOR, **user_kwargs: object) -> User:
    """A user with a coordinator or board role in `coop`."""
    user = UserFactory(**user_kwargs)
    Role.objects.create(user=user, kind=kind, coop=coop)
    return user


def rule_version_decided(
    *,
    coop: Cooperative,
    effective_from: dt.date,
    changes: dict[str, Any],
    source: str = RuleVersion.Source.VOTE,
    actor: Any = None,
    note: str = "",
) -> RuleVersion:
    """Test history: a version that a passed decision adopted, on any date (also in the past).

    Production makes versions only through coop.governance, never before today (tests/governance
    cover that door). Tests about what happened under older rules need such versions in the past,
    so this writes them as a real decision would leave them: checked values (bounds, the law), a
    passed proposal, the version linked to it, the audit row.
    """
    from coop.governance.models import Proposal

    parsed = rule_changes_check(coop=coop, changes=changes, effective_from=effective_from)
    author = actor or UserFactory()
    number = Proposal.objects.filter(coop=coop).count() + 1
    proposal = Proposal.objects.create(
        coop=coop,
        number=number,
        kind=Proposal.Kind.RULE_CHANGE,
        channel=Proposal.Channel.VOTE if source == RuleVersion.Source.VOTE else Proposal.Channel.GENERAL_MEETING,
        body=Proposal.Body.MEMBERS,
        status=Proposal.Status.PASSED,
        title=note or f"Rule change from {effective_from}",
        summary="Test history",
        created_by=author,
        rule_changes=changes,
        effective_from=effective_from,
        rules_version=RuleVersion.objects.filter(coop=coop).order_by("-number").first(),
        closed_at=timezone.now(),
    )
    return _version_write(
        coop=coop,
        effective_from=effective_from,
        parsed=parsed,
        changed_keys=set(changes),
        source=source,
        actor=actor,
        note=note,
        proposal_id=proposal.pk,
        proposal_ref=proposal.reference,
        tally={},
        old={},
    )
