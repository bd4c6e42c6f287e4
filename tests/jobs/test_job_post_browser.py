"""In a real browser: the price preview updates live (htmx) while the business types the rate."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium")
def test_price_preview_updates_live_while_typing_the_rate(live_server, bakery, kanaleneiland, client, settings):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    client.force_login(bakery.contact)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en"})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + reverse("business_job_post"))
        page.select_option("#id_category", "default")
        assert "The member earns" not in page.inner_text("#job-price")
        page.locator("#id_hourly_client_rate").press_sequentially("25.00")  # keyup -> hx-post, no reload
        # Wait for the preview of the whole rate: under load, a slow keystroke lets htmx ask for "2"
        # (too low) first, so the first preview shown may be an earlier one.
        page.wait_for_selector(
            "#job-price:has-text('The member earns'):has-text('€15.00'):has-text('€2.20')", timeout=15_000
        )
        text = page.inner_text("#job-price")
        browser.close()
    assert "€15.00" in text and "€2.20" in text
