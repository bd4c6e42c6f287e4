"""Charts on the what-if: drawn from our own static files (strict CSP), their numbers always in a table too."""

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from coop.charts import Chart, ChartSeries
from tests.governance.conftest import rule_change_with_what_if

CHANGES = {"fund_share_percent": "60.00", "member_wage_hourly": {"cleaning": "16.00"}}

pytestmark = pytest.mark.django_db


class Scripts(HTMLParser):
    """Every <script> of a page: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def _page(client, kanaleneiland, voters, django_capture_on_commit_callbacks):
    proposal = rule_change_with_what_if(kanaleneiland, voters[0], CHANGES, django_capture_on_commit_callbacks)
    client.force_login(voters[1].user)
    return client.get(reverse("governance:proposal_detail", args=[proposal.number]), HTTP_ACCEPT_LANGUAGE="en")


def test_the_page_runs_no_inline_code_only_static_files_and_json_data(
    client, kanaleneiland, voters, worked, django_capture_on_commit_callbacks
):
    response = _page(client, kanaleneiland, voters, django_capture_on_commit_callbacks)
    parser = Scripts()
    parser.feed(response.content.decode())
    sources = [attrs["src"] for attrs, _text in parser.scripts if attrs.get("src")]
    assert f"{settings.STATIC_URL}vendor/chartjs/chart.umd.min.js" in sources
    assert f"{settings.STATIC_URL}js/charts.js" in sources
    data_ids = []
    for attrs, text in parser.scripts:
        if attrs.get("src"):
            assert attrs["src"].startswith(settings.STATIC_URL) and not text.strip(), attrs
        else:
            assert attrs.get("type") == "application/json", f"inline script: {text[:80]!r}"
            json.loads(text)  # data, not code
            data_ids.append(attrs["id"])
    assert {"chart-what-if-money-data", "chart-what-if-spread-data", "chart-what-if-bands-data"} <= set(data_ids)
    policy = response.headers.get("Content-Security-Policy") or response.headers["Content-Security-Policy-Report-Only"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_the_chart_files_are_shipped_with_the_static_files():
    assert finders.find("vendor/chartjs/chart.umd.min.js")
    assert finders.find("vendor/chartjs/LICENSE.md")
    assert finders.find("js/charts.js")
    assert "chart.js 4." in (settings.BASE_DIR / "static" / "vendor" / "VERSIONS").read_text()


def test_each_chart_keeps_a_table_with_the_same_numbers(
    client, kanaleneiland, voters, worked, django_capture_on_commit_callbacks
):
    body = _page(client, kanaleneiland, voters, django_capture_on_commit_callbacks).content.decode()
    money = body.split('id="chart-what-if-money"')[1].split("</figure>")[0]
    payload = json.loads(money.split('type="application/json">')[1].split("</script>")[0])
    assert [s["label"] for s in payload["series"]] == ["Now", "With the proposal"]  # the difference: table only
    table = money.split("<table")[1]
    assert "Difference" in table and "Paid by businesses (without VAT)" in table
    for series in payload["series"]:
        for value in series["values"]:
            assert f"€{value:,.2f}" in table  # every drawn number also stands in the table (English format)


def test_a_chart_refuses_a_series_that_does_not_fit_its_labels():
    with pytest.raises(ValueError):
        Chart(key="x", title="t", row_header="r", labels=["a", "b"], series=[ChartSeries(label="s", values=[1])])
