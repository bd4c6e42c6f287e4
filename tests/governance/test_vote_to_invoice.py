"""The whole path: members vote to raise the fund's share; the next invoice run splits by the new share
from the effective date, earlier hours keep the old one, and each invoice line leads back to the vote."""

import datetime as dt

import pytest
from django.utils import timezone

from coop.governance.models import Proposal
from coop.governance.services import proposal_close, proposal_create, vote_cast
from coop.money import eur
from coop.rulebook.models import RuleVersion
from tests.governance.conftest import start_in
from tests.invoicing.factories import approved_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_invoices(django_capture_on_commit_callbacks):
    from invoicing.models import Invoice
    from invoicing.services.invoices import invoice_run

    def _run(coop, until):
        with django_capture_on_commit_callbacks(execute=True):
            invoices = invoice_run(coop=coop, until=until)
        return [Invoice.objects.get(pk=i.pk) for i in invoices]

    return _run


def test_a_vote_on_the_fund_share_reaches_the_invoice_lines(kanaleneiland, voters, bakery, run_invoices):
    fatima = voters[0]
    effective = start_in(30)
    proposal = proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.RULE_CHANGE,
        title="More for the fund",
        summary="60 % of the margin to the neighbourhood fund.",
        changes={"fund_share_percent": "60.00"},
        effective_from=effective,
    )
    for member in voters[:3]:
        vote_cast(proposal=proposal, voter=member.user, choice="for", actor=member.user)
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert proposal_close(proposal_id=proposal.pk).passed

    before = approved_hours(
        coop=kanaleneiland, business=bakery.business, member=fatima, day=effective - dt.timedelta(days=1)
    )
    after = approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=effective)
    invoice = run_invoices(kanaleneiland, until=effective + dt.timedelta(days=1))[0]

    line_before, line_after = invoice.lines.get(hour_entry=before), invoice.lines.get(hour_entry=after)
    # 4 h x 30 = 120; wage 60; employer costs 30 % = 18; margin 42 -> fund 40 % = 16.80, 60 % = 25.20.
    assert line_before.fund_share == eur("16.80")
    assert line_after.fund_share == eur("25.20")
    assert line_before.rule_version.source == RuleVersion.Source.FOUNDING
    assert line_after.rule_version.proposal == proposal
    assert line_after.rule_version.tally["for"] == 3
