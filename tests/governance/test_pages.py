"""The decision pages: members see their coop's rules and proposals and vote; outsiders see nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coop.governance.models import Proposal, Vote
from coop.governance.services import proposal_create
from tests.governance.conftest import start_in

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_rules_in_plain_words(client, fatima):
    client.force_login(fatima.user)
    response = client.get(reverse("governance:rulebook_current"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deel voor het wijkfonds" in body  # the rule's Dutch label
    assert "40 %" in body


def test_the_history_links_each_version_to_its_decision(client, fatima, fund_share_vote, voters):
    from tests.factories import rule_version_decided

    version = rule_version_decided(coop=fatima.coop, effective_from=start_in(1), changes={"max_hours_per_week": 30})
    client.force_login(fatima.user)
    body = client.get(reverse("governance:rulebook_history")).content.decode()
    assert f"version-{version.number}" in body
    assert reverse("governance:proposal_detail", args=[version.proposal.number]) in body


def test_a_member_votes_on_the_page(client, fund_share_vote, voters):
    fatima = voters[0]
    client.force_login(fatima.user)
    url = reverse("governance:proposal_detail", args=[fund_share_vote.number])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="choice"' in page.content.decode()
    response = client.post(reverse("governance:proposal_vote", args=[fund_share_vote.number]), {"choice": "for"})
    assert response.status_code == 302
    assert Vote.objects.get(elector__user=fatima.user).choice == "for"


def test_a_bad_choice_changes_nothing(client, fund_share_vote, voters):
    client.force_login(voters[0].user)
    client.post(reverse("governance:proposal_vote", args=[fund_share_vote.number]), {"choice": "maybe"})
    assert not Vote.objects.exists()


def test_a_member_proposes_a_rule_change_through_the_form(client, fatima):
    from coop.rulebook.forms import RuleValuesForm
    from coop.rulebook.selectors import rule_values

    client.force_login(fatima.user)
    url = reverse("governance:proposal_new", args=["rule_change"])
    assert client.get(url).status_code == 200
    form = RuleValuesForm(coop=fatima.coop, current=rule_values(fatima.coop)[1])
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data.update(
        {
            "title": "Meer voor het wijkfonds",
            "summary": "Het wijkfonds krijgt 45 %.",
            "effective_from": start_in(30).isoformat(),
            "fund_share_percent": "45.00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get(coop=fatima.coop)
    assert proposal.rule_changes == {"fund_share_percent": "45.00"}
    assert proposal.status == Proposal.Status.OPEN


def test_a_back_dated_proposal_shows_an_error_and_stores_nothing(client, fatima):
    from coop.rulebook.forms import RuleValuesForm
    from coop.rulebook.selectors import rule_values

    client.force_login(fatima.user)
    form = RuleValuesForm(coop=fatima.coop, current=rule_values(fatima.coop)[1])
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data.update({"title": "T", "summary": "S", "effective_from": "2020-01-01", "fund_share_percent": "45.00"})
    response = client.post(reverse("governance:proposal_new", args=["rule_change"]), data)
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_board_members_record_and_confirm_a_meeting_decision_on_the_pages(
    client, kanaleneiland, board_member, second_board_member
):
    client.force_login(board_member)
    url = reverse("governance:meeting_record_new", args=["motion"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Buurtfeest",
            "summary": "De ALV wil een buurtfeest.",
            "meeting_date": "2026-11-20",
            "electorate": "100",
            "members_present": "20",
            "members_represented": "2",
            "votes_for": "18",
            "votes_against": "3",
            "minutes": SimpleUploadedFile("notulen.pdf", b"%PDF-1.4 notulen", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get(coop=kanaleneiland)
    confirm = reverse("governance:proposal_confirm", args=[proposal.number])
    client.post(confirm)  # the recorder: refused
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECORDED
    client.force_login(second_board_member)
    client.post(confirm)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PASSED
    minutes = client.get(reverse("governance:meeting_minutes", args=[proposal.number]))
    assert minutes.status_code == 200 and minutes["Cache-Control"] == "private, no-store"


def test_minutes_that_are_not_a_pdf_are_refused(client, kanaleneiland, board_member):
    client.force_login(board_member)
    response = client.post(
        reverse("governance:meeting_record_new", args=["motion"]),
        {
            "title": "T",
            "summary": "S",
            "meeting_date": "2026-11-20",
            "electorate": "100",
            "members_present": "20",
            "members_represented": "0",
            "votes_for": "18",
            "votes_against": "2",
            "minutes": SimpleUploadedFile("notulen.pdf", b"<html>not a pdf", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200 and "minutes" in response.context["form"].errors
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    "name", ["rulebook_current", "rulebook_history", "proposal_list", "proposal_detail", "meeting_minutes"]
)
def test_outsiders_and_other_coops_get_nothing(client, fund_share_vote, outsider, jan, name):
    args = [fund_share_vote.number] if name in ("proposal_detail", "meeting_minutes") else []
    url = reverse(f"governance:{name}", args=args)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(jan.user)  # a member of Lunetten: their own coop's pages, never Kanaleneiland's proposal
    assert client.get(url).status_code == (404 if args else 200)


def test_only_coordinators_enter_paper_ballots_and_only_the_board_records_meetings(client, fund_share_vote, voters):
    client.force_login(voters[0].user)
    assert client.get(reverse("governance:proposal_paper_ballot", args=[fund_share_vote.number])).status_code == 404
    assert client.get(reverse("governance:meeting_record_new", args=["motion"])).status_code == 404


def test_the_proposal_list_costs_the_same_queries_for_1_and_30_proposals(client, kanaleneiland, fatima):
    def add(n):
        for i in range(n):
            proposal_create(
                coop=kanaleneiland,
                actor=fatima.user,
                member=fatima,
                kind=Proposal.Kind.MOTION,
                title=f"Motion {i}",
                summary="Text",
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("governance:proposal_list")).status_code == 200
        return len(queries)

    client.force_login(fatima.user)
    add(1)
    one = count()
    add(29)
    assert count() == one
