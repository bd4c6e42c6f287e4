"""The spread of work in the what-if: a Gini figure for what happened and for the matching replayed under the rules."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.governance.models import Proposal, WhatIf
from coop.governance.services import proposal_create
from coop.governance.whatif import WINDOW_DAYS
from jobs.models import HourEntry
from members.models import Member, WorkerProfile, availability_bit
from tests.factories import ActiveMemberFactory, UserFactory
from tests.governance.conftest import start_in
from tests.invoicing.factories import approved_hours

pytestmark = pytest.mark.django_db

EVERY_SLOT = (1 << 21) - 1


def _member(coop, email, *, target=20, mask=EVERY_SLOT, status=Member.Status.ACTIVE):
    member = ActiveMemberFactory(coop=coop, user=UserFactory(email=email), status=status)
    WorkerProfile.objects.filter(member=member).update(target_hours_per_week=target, availability_mask=mask)
    return member


@pytest.fixture
def week_of_work(kanaleneiland, bakery):
    """Anna did all three morning shifts of one week; Bram (only free on Monday mornings) did none.

    Carla wants no hours (and is never free) and Dirk is paused: neither counts among the members who want work.
    """
    anna = _member(kanaleneiland, "anna@example.nl")
    bram = _member(kanaleneiland, "bram@example.nl", mask=availability_bit(0, 0))
    carla = _member(kanaleneiland, "carla@example.nl", target=0, mask=0)
    dirk = _member(kanaleneiland, "dirk@example.nl", status=Member.Status.PAUSED)
    three_weeks_ago = timezone.localdate() - dt.timedelta(days=21)
    monday = three_weeks_ago - dt.timedelta(days=three_weeks_ago.weekday())
    for day in (monday, monday + dt.timedelta(days=1), monday + dt.timedelta(days=2)):
        approved_hours(coop=kanaleneiland, business=bakery.business, member=anna, day=day)
    return anna, bram, carla, dirk


def _propose(coop, member, changes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the what-if task runs (eagerly) after commit
        proposal = proposal_create(
            coop=coop,
            actor=member.user,
            member=member,
            kind=Proposal.Kind.RULE_CHANGE,
            title="Spread the work",
            summary="At most 4 hours a week each.",
            changes=changes,
            effective_from=start_in(30),
        )
    return WhatIf.objects.get(proposal=proposal)


def pairwise_gini(values):
    n, total = len(values), sum(values)
    return Fraction(sum(abs(a - b) for a in values for b in values), 2 * n * total) if total else Fraction(0)


def test_the_actual_figure_equals_an_independent_computation_on_the_same_hours(
    kanaleneiland, week_of_work, django_capture_on_commit_callbacks
):
    anna = week_of_work[0]
    what_if = _propose(kanaleneiland, anna, {"max_hours_per_week": 4}, django_capture_on_commit_callbacks)
    # Straight from the tables: approved hours in the window per active member who wants work.
    start = what_if.period_end - dt.timedelta(days=WINDOW_DAYS)
    wanting = {
        p.member_id: p.target_hours_per_week
        for p in WorkerProfile.objects.filter(
            member__coop=kanaleneiland, member__status=Member.Status.ACTIVE, target_hours_per_week__gt=0
        )
    }
    hours = dict.fromkeys(wanting, Decimal(0))
    for entry in HourEntry.objects.filter(status=HourEntry.Status.APPROVED, assignment__shift__date__gte=start):
        if entry.assignment.member_id in hours:
            hours[entry.assignment.member_id] += entry.hours_worked
    shares = [Fraction(hours[m]) / (wanting[m] * Fraction(WINDOW_DAYS, 7)) for m in wanting]
    spread = what_if.result["spread"]
    assert spread["members"] == 2  # Anna and Bram; not Carla (no hours wanted) nor Dirk (paused)
    assert spread["gini"]["actual"] == round(float(pairwise_gini(shares)), 4) == 0.5  # one of two did it all


def test_the_replay_runs_matching_under_each_rulebook(kanaleneiland, week_of_work, django_capture_on_commit_callbacks):
    anna = week_of_work[0]
    spread = _propose(kanaleneiland, anna, {"max_hours_per_week": 4}, django_capture_on_commit_callbacks).result[
        "spread"
    ]
    # Today's rules: Bram takes Monday, Anna the other two mornings (8 h against 4 h).
    assert spread["seats"] == 3 and spread["unfilled_current"] == 0
    assert spread["gini"]["replay_current"] == round(float(pairwise_gini([8, 4])), 4)
    # At most 4 hours a week: one shift each, the third stays open, and the work is spread evenly.
    assert spread["unfilled_proposed"] == 1
    assert spread["gini"]["replay_proposed"] == 0.0
    # Bands: no work, less than half, half or more, all or more of what they want (20 h x 13 weeks).
    assert spread["bands"] == {"actual": [1, 1, 0, 0], "replay_current": [0, 2, 0, 0], "replay_proposed": [0, 2, 0, 0]}


def test_a_rule_that_matching_does_not_read_leaves_the_replay_alone(
    kanaleneiland, week_of_work, django_capture_on_commit_callbacks
):
    anna = week_of_work[0]
    spread = _propose(kanaleneiland, anna, {"fund_share_percent": "45.00"}, django_capture_on_commit_callbacks).result[
        "spread"
    ]
    assert spread["gini"]["replay_proposed"] == spread["gini"]["replay_current"]
    assert spread["bands"]["replay_proposed"] == spread["bands"]["replay_current"]


def test_the_page_says_in_plain_words_what_the_figures_mean(
    client, kanaleneiland, week_of_work, django_capture_on_commit_callbacks
):
    anna, bram = week_of_work[:2]
    what_if = _propose(kanaleneiland, anna, {"max_hours_per_week": 4}, django_capture_on_commit_callbacks)
    client.force_login(bram.user)
    page = client.get(
        reverse("governance:proposal_detail", args=[what_if.proposal.number]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "0 means: everyone got the same part of the hours they want." in page
    assert "With the proposal, work would have been spread more evenly." in page
    assert "<strong>0.50</strong>" in page and "<strong>0.00</strong>" in page
    assert 'id="chart-what-if-spread"' in page and 'id="chart-what-if-bands-data"' in page


def test_a_what_if_from_before_the_spread_was_computed_still_shows(
    client, kanaleneiland, week_of_work, django_capture_on_commit_callbacks
):
    anna = week_of_work[0]
    what_if = _propose(kanaleneiland, anna, {"max_hours_per_week": 4}, django_capture_on_commit_callbacks)
    result = dict(what_if.result)
    del result["spread"]
    WhatIf.objects.filter(pk=what_if.pk).update(result=result)
    client.force_login(anna.user)
    response = client.get(reverse("governance:proposal_detail", args=[what_if.proposal.number]))
    assert response.status_code == 200
    assert 'id="chart-what-if-money"' in response.content.decode()
    assert 'id="chart-what-if-spread"' not in response.content.decode()
