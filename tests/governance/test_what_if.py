"""The what-if before a vote: the replay equals what the real invoicing code gives under the new rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.governance.models import Proposal, WhatIf
from coop.governance.whatif import what_if_compute
from coop.rulebook.models import RuleValue, RuleVersion
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_run
from tests.factories import rule_version_decided
from tests.governance.conftest import rule_change_with_what_if

pytestmark = pytest.mark.django_db

CHANGES = {"fund_share_percent": "60.00", "member_wage_hourly": {"cleaning": "16.00"}}


def _proposal(coop, member, django_capture_on_commit_callbacks):
    return rule_change_with_what_if(coop, member, CHANGES, django_capture_on_commit_callbacks)


def test_the_what_if_is_computed_by_a_task_after_the_proposal_is_made(
    kanaleneiland, voters, worked, django_capture_on_commit_callbacks
):
    before = (RuleVersion.objects.count(), RuleValue.objects.count())
    proposal = _proposal(kanaleneiland, voters[0], django_capture_on_commit_callbacks)
    what_if = WhatIf.objects.get(proposal=proposal)
    assert what_if.status == WhatIf.Status.DONE and what_if.progress == 100
    assert what_if.result["entries"] == 3 and what_if.result["members"] == 3
    assert Decimal(what_if.result["difference"]["member_wage"]) == Decimal("12.00")  # 3 x 4 h x EUR 1
    assert (RuleVersion.objects.count(), RuleValue.objects.count()) == before  # nothing adopted


def test_the_replay_equals_the_real_invoice_run_under_the_new_rules(
    kanaleneiland, voters, worked, django_capture_on_commit_callbacks
):
    proposal = _proposal(kanaleneiland, voters[0], django_capture_on_commit_callbacks)
    result = WhatIf.objects.get(proposal=proposal).result
    # Now let the same values really count from the start of the window, and bill the same hours.
    start = timezone.localdate() - dt.timedelta(days=91)
    rule_version_decided(coop=kanaleneiland, effective_from=start, changes=CHANGES)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_run(coop=kanaleneiland, until=timezone.localdate())
    lines = [line for invoice in Invoice.objects.filter(coop=kanaleneiland) for line in invoice.lines.all()]
    assert len(lines) == 3
    for part in ("member_wage", "employer_costs", "fund_share", "operating_share", "line_total_net"):
        assert sum((getattr(line, part).amount for line in lines), Decimal(0)) == Decimal(result["proposed"][part])


def test_computing_twice_changes_nothing(kanaleneiland, voters, worked, django_capture_on_commit_callbacks):
    proposal = _proposal(kanaleneiland, voters[0], django_capture_on_commit_callbacks)
    first = WhatIf.objects.get(proposal=proposal)
    again = what_if_compute(proposal_id=proposal.pk)
    assert again.result == first.result and again.computed_at == first.computed_at


def test_the_page_shows_the_what_if_and_the_poll_endpoint_answers(
    client, kanaleneiland, voters, worked, django_capture_on_commit_callbacks
):
    proposal = _proposal(kanaleneiland, voters[0], django_capture_on_commit_callbacks)
    client.force_login(voters[1].user)
    page = client.get(reverse("governance:proposal_detail", args=[proposal.number])).content.decode()
    assert 'id="what-if"' in page and "<table" in page
    part = client.get(reverse("governance:proposal_what_if", args=[proposal.number]))
    assert part.status_code == 200 and "hx-trigger" not in part.content.decode()  # done: no more polling


def test_a_what_if_that_cannot_be_computed_says_so(kanaleneiland, voters, worked, django_capture_on_commit_callbacks):
    proposal = _proposal(kanaleneiland, voters[0], django_capture_on_commit_callbacks)
    WhatIf.objects.filter(proposal=proposal).update(status=WhatIf.Status.QUEUED)
    Proposal.objects.filter(pk=proposal.pk).update(rule_changes={"free_beer": "1"})  # not a rule
    with pytest.raises(KeyError):
        what_if_compute(proposal_id=proposal.pk)
    assert WhatIf.objects.get(proposal=proposal).status == WhatIf.Status.FAILED
