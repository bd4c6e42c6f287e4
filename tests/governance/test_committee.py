"""The committee drawn by lot: reproducible from published inputs, audited, and it decides small payouts."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.governance.exceptions import GovernanceError
from coop.governance.models import CommitteeDraw, Proposal
from coop.governance.services import (
    committee_draw_announce,
    committee_draw_perform,
    committee_volunteer,
    proposal_create,
)
from coop.models import AuditEvent
from coop.money import eur
from tests.factories import ActiveMemberFactory, UserFactory, rule_version_decided
from tests.governance.test_fund_payouts import fund  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee_rules(kanaleneiland):
    rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2026, 1, 1),
        changes={"committee_payout_limit": "250.00", "committee_size": 3},
    )


@pytest.fixture
def volunteers(kanaleneiland, committee_rules):
    people = [ActiveMemberFactory(coop=kanaleneiland, user=UserFactory(email=f"vol{i}@example.nl")) for i in range(6)]
    for member in people:
        committee_volunteer(member=member, actor=member.user, willing=True)
    return people


def _announce_and_draw(coop, board_member, value="07 19 23 31 40 44"):
    draw = committee_draw_announce(
        coop=coop,
        actor=board_member,
        draw_on=timezone.localdate() + dt.timedelta(days=1),
        public_source="Lotto draw of tomorrow",
    )
    CommitteeDraw.objects.filter(pk=draw.pk).update(draw_on=timezone.localdate())  # the day has come
    return committee_draw_perform(draw=draw, actor=board_member, public_value=value)


def test_anyone_can_recompute_the_draw_from_the_public_inputs(kanaleneiland, volunteers, board_member):
    draw = _announce_and_draw(kanaleneiland, board_member)
    numbers = ",".join(str(n) for n in sorted(draw.volunteer_numbers))
    seed = hashlib.sha256(f"kanaleneiland|{draw.number}|{numbers}|07 19 23 31 40 44".encode()).hexdigest()
    assert draw.seed == seed
    expected = sorted(draw.volunteer_numbers, key=lambda n: hashlib.sha256(f"{seed}|{n}".encode()).hexdigest())[:3]
    assert draw.drawn_numbers == expected
    assert len(set(draw.drawn_numbers)) == 3
    event = AuditEvent.objects.get(action="governance.committee_drawn")
    assert event.data["seed"] == seed and event.data["drawn"] == expected


def test_another_public_value_draws_another_committee_but_the_same_value_the_same(kanaleneiland, volunteers):
    from coop.governance.lottery import draw_seed, draw_winners

    numbers = [m.member_number for m in volunteers]

    def drawn(value, order=numbers):
        seed = draw_seed(coop_slug="k", draw_number=1, volunteer_numbers=order, public_value=value)
        return tuple(draw_winners(seed=seed, volunteer_numbers=numbers, size=3))

    assert drawn("1") == drawn(" 1 ", list(reversed(numbers)))  # order and spaces do not matter
    assert len({drawn(str(v)) for v in range(20)}) > 1


def test_the_public_page_shows_every_input_without_login(client, kanaleneiland, volunteers, board_member):
    draw = _announce_and_draw(kanaleneiland, board_member)
    body = client.get(reverse("governance:committee_public", args=["kanaleneiland"])).content.decode()
    assert draw.seed in body and "07 19 23 31 40 44" in body
    for number in draw.volunteer_numbers:
        assert str(number) in body
    assert volunteers[0].last_name not in body  # numbers, never names, in public


def test_the_draw_cannot_happen_before_its_day_or_twice(kanaleneiland, volunteers, board_member):
    draw = committee_draw_announce(
        coop=kanaleneiland,
        actor=board_member,
        draw_on=timezone.localdate() + dt.timedelta(days=1),
        public_source="Lotto",
    )
    with pytest.raises(GovernanceError):
        committee_draw_perform(draw=draw, actor=board_member, public_value="1 2 3")
    CommitteeDraw.objects.filter(pk=draw.pk).update(draw_on=timezone.localdate())
    committee_draw_perform(draw=draw, actor=board_member, public_value="1 2 3")
    before = CommitteeDraw.objects.get(pk=draw.pk).drawn_numbers
    with pytest.raises(GovernanceError):
        committee_draw_perform(draw=draw, actor=board_member, public_value="4 5 6")
    assert CommitteeDraw.objects.get(pk=draw.pk).drawn_numbers == before


def test_too_few_volunteers_or_no_committee_rule_refuses_the_announcement(kanaleneiland, board_member, fatima):
    with pytest.raises(GovernanceError):  # the founding rules have no committee
        committee_draw_announce(
            coop=kanaleneiland,
            actor=board_member,
            draw_on=timezone.localdate() + dt.timedelta(days=1),
            public_source="x",
        )
    rule_version_decided(
        coop=kanaleneiland, effective_from=dt.date(2026, 1, 1), changes={"committee_payout_limit": "100.00"}
    )
    committee_volunteer(member=fatima, actor=fatima.user, willing=True)
    with pytest.raises(GovernanceError):
        committee_draw_announce(
            coop=kanaleneiland,
            actor=board_member,
            draw_on=timezone.localdate() + dt.timedelta(days=1),
            public_source="x",
        )
    assert not CommitteeDraw.objects.exists()


def test_the_committee_decides_small_payouts(kanaleneiland, volunteers, board_member, fund):  # noqa: F811
    draw = _announce_and_draw(kanaleneiland, board_member)
    proposer = volunteers[0]
    proposal = proposal_create(
        coop=kanaleneiland,
        actor=proposer.user,
        member=proposer,
        kind=Proposal.Kind.FUND_PAYOUT,
        title="Bench",
        summary="A bench by the canal",
        payout_amount=eur("200.00"),
        payout_purpose="Bench",
        beneficiary_name="Bewoners",
        beneficiary_iban="NL91ABNA0417164300",
    )
    assert proposal.body == Proposal.Body.COMMITTEE
    voters = set(proposal.electors.values_list("member__member_number", flat=True))
    assert voters == set(draw.drawn_numbers)
