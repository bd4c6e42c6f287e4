"""Every page a person needs is reachable from their portal home, and every menu link works for them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

LINK = re.compile(r'class="utrecht-link utrecht-link-list__link" href="([^"]+)"')


def _menu_links(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return LINK.findall(response.content.decode())


def _assert_all_open(client: Client, links: list[str]) -> None:
    broken = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in broken.items() if code != 200} == {}


@pytest.mark.django_db
def test_coordinator_reaches_people_work_and_money_pages_from_the_office_home(client, coordinator):
    client.force_login(coordinator)
    links = _menu_links(client, reverse("office_home"))
    for name in (
        "office_member_list",
        "office_shift_list",
        "matching_round_list",
        "hour_entry_dispute_list",
        "office_invoice_list",
        "ledger_books",
        "payments:office_payout_list",
    ):
        assert reverse(name) in links
    _assert_all_open(client, links)


@pytest.mark.django_db
def test_member_reaches_offers_schedule_hours_and_earnings_from_the_member_home(client, fatima):
    client.force_login(fatima.user)
    links = _menu_links(client, reverse("member_home"))
    for name in ("member_offer_list", "member_schedule", "hour_entry_my_list", "member_earnings"):
        assert reverse(name) in links
    _assert_all_open(client, links)


@pytest.mark.django_db
def test_business_contact_reaches_jobs_hours_and_invoices_from_the_business_page(client, bakery):
    client.force_login(bakery.contact)
    links = _menu_links(client, reverse("business_detail", args=[bakery.business.pk]))
    for name in ("business_job_post", "hour_entry_business_list", "business_invoice_list"):
        assert reverse(name) in links
    _assert_all_open(client, links)
