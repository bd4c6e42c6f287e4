"""Private files: invoices, credit notes, SEPA payout files and earnings statements leave only through views
that check who asks; no URL serves the private folder, in DEBUG or in production settings."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, reverse
from django.views.static import serve

from coop.files import check_private_root_not_published, private_file_response
from invoicing.models import CreditNote, Invoice, PayoutBatch
from invoicing.payments.payouts import payout_batch_approve, payout_batch_prepare
from invoicing.services.credit_notes import credit_note_create, credit_note_pdf_render
from invoicing.services.invoices import invoice_pdf_render
from tests.invoicing.payments.factories import issued_invoice

pytestmark = pytest.mark.django_db

WORK_DAY = dt.date(2026, 3, 2)
PERIOD_END = dt.date(2026, 3, 31)
ACCEL = "/_private/"


@dataclass
class Documents:
    invoice: Invoice
    credit_note: CreditNote
    batch: PayoutBatch

    def stored(self) -> dict[str, Any]:
        """Each stored kind of file: its FieldFile, download URL, content type."""
        return {
            "invoice (office)": (
                self.invoice.pdf,
                reverse("office_invoice_pdf", args=[self.invoice.pk]),
                "application/pdf",
            ),
            "invoice (business)": (
                self.invoice.pdf,
                reverse("business_invoice_pdf", args=[self.invoice.pk]),
                "application/pdf",
            ),
            "credit note (office)": (
                self.credit_note.pdf,
                reverse("office_credit_note_pdf", args=[self.credit_note.pk]),
                "application/pdf",
            ),
            "credit note (business)": (
                self.credit_note.pdf,
                reverse("business_credit_note_pdf", args=[self.credit_note.pk]),
                "application/pdf",
            ),
            "SEPA file": (
                self.batch.sepa_file,
                reverse("payments:office_payout_download", args=[self.batch.pk]),
                "application/xml",
            ),
        }

    def urls(self) -> dict[str, str]:
        """Every download of a private document, stored or rendered per request."""
        item = self.batch.items.get()
        return {
            "business_invoice_pdf": reverse("business_invoice_pdf", args=[self.invoice.pk]),
            "business_credit_note_pdf": reverse("business_credit_note_pdf", args=[self.credit_note.pk]),
            "office_invoice_pdf": reverse("office_invoice_pdf", args=[self.invoice.pk]),
            "office_credit_note_pdf": reverse("office_credit_note_pdf", args=[self.credit_note.pk]),
            "office_payout_download": reverse("payments:office_payout_download", args=[self.batch.pk]),
            "office_payout_item_statement": reverse(
                "payments:office_payout_item_statement", args=[self.batch.pk, item.pk]
            ),
            "member_earnings_statement": reverse("member_earnings_statement", args=[2026, 3]),
        }


@pytest.fixture
def documents(kanaleneiland, bakery, fatima, coordinator, board_member) -> Documents:  # type: ignore[no-untyped-def]
    """One of each: a rendered invoice PDF, a rendered credit note PDF, an approved batch's SEPA file."""
    invoice = issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    invoice = invoice_pdf_render(invoice_id=invoice.pk)
    batch = payout_batch_prepare(coop=kanaleneiland, actor=coordinator, period_end=PERIOD_END)
    payout_batch_approve(batch_id=batch.pk, actor=board_member)
    batch.refresh_from_db()
    credit_note = credit_note_create(invoice=invoice, reason="Dubbel gefactureerd", actor=coordinator)
    credit_note = credit_note_pdf_render(credit_note_id=credit_note.pk)
    return Documents(invoice=invoice, credit_note=credit_note, batch=batch)


@pytest.fixture
def urlconf(settings):  # type: ignore[no-untyped-def]
    """Load coop.urls again under the current settings (its patterns are computed at import)."""
    original_debug = django_settings.DEBUG

    def _load() -> None:
        import coop.urls

        importlib.reload(coop.urls)
        clear_url_caches()

    yield _load
    settings.DEBUG = original_debug
    _load()


@pytest.fixture(params=["debug", "production"])
def mode(request, settings, urlconf, client) -> str:  # type: ignore[no-untyped-def]
    """The `make run` default (DEBUG) or production's settings, with the URL patterns loaded under them."""
    if request.param == "debug":
        settings.DEBUG = True
    else:
        settings.DEBUG = False
        settings.SECURE_SSL_REDIRECT = True
        settings.SESSION_COOKIE_SECURE = True
        settings.CSRF_COOKIE_SECURE = True
        client.defaults["wsgi.url_scheme"] = "https"
    urlconf()
    return str(request.param)


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.callback))
    return found


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- where the files are -------------------------------------------------------------------------------


def test_documents_are_stored_under_the_private_root_and_have_no_url(documents, settings):
    private_root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for label, (field_file, _url, _type) in documents.stored().items():
        assert Path(field_file.path).resolve().is_relative_to(private_root), label
        assert Path(field_file.path).exists(), label
        with pytest.raises(ValueError, match="no URL"):
            field_file.url  # noqa: B018
    assert documents.invoice.pdf.name == f"invoices/kanaleneiland/{documents.invoice.number}.pdf"
    assert documents.batch.sepa_file.name.startswith("payouts/")
    media_root = Path(settings.MEDIA_ROOT)
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_no_url_pattern_serves_media_and_the_old_media_path_is_404(documents, mode, client, coordinator):
    served = [route for route, callback in _patterns(get_resolver()) if callback is serve]
    assert served == []
    media_url = django_settings.MEDIA_URL.strip("/")
    assert not [route for route, _cb in _patterns(get_resolver()) if route.startswith(media_url)]

    client.force_login(coordinator)  # even the coop's own staff: the old address is gone
    for field_file, _url, _type in documents.stored().values():
        response = client.get(f"/{media_url}/{field_file.name}", secure=mode == "production")
        assert response.status_code == 404, field_file.name
        assert b"%PDF" not in response.content and b"IBAN" not in response.content


# --- who may download -------------------------------------------------------------------------------


def test_anonymous_requests_are_sent_to_login_without_the_file(documents, mode, client):
    secure = mode == "production"
    for name, url in documents.urls().items():
        response = client.get(url, secure=secure)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name
        assert "X-Accel-Redirect" not in response
        assert _body(response) == b"", name


def test_wrong_role_and_other_coop_get_403_or_404(
    documents, mode, client, settings, bakery, fatima, coordinator, outsider, lunetten_shop, lunetten_coordinator, jan
):
    # The refusals hold in the X-Accel-Redirect mode as well: nginx never gets a path for them.
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = ACCEL
    urls = documents.urls()
    office = ["office_invoice_pdf", "office_credit_note_pdf", "office_payout_download", "office_payout_item_statement"]
    business = ["business_invoice_pdf", "business_credit_note_pdf"]
    expected: dict[Any, dict[str, int]] = {
        outsider: {name: 403 for name in urls},
        # A business contact is no office staff and no member; another coop's business finds nothing.
        bakery.contact: {**{n: 403 for n in office}, "member_earnings_statement": 403},
        lunetten_shop.contact: {**{n: 404 for n in business}, **{n: 403 for n in office}},
        # A member is no staff and no business contact.
        fatima.user: {n: 403 for n in office + business},
        jan.user: {n: 403 for n in office + business},
        # Staff of this coop are no business contact; staff of another coop find nothing.
        coordinator: {n: 403 for n in business},
        lunetten_coordinator: {**{n: 404 for n in office}, **{n: 403 for n in business}},
    }
    secure = mode == "production"
    for user, refusals in expected.items():
        client.force_login(user)
        for name, status in refusals.items():
            response = client.get(urls[name], secure=secure)
            assert response.status_code == status, (user.email, name, response.status_code)
            assert "X-Accel-Redirect" not in response, (user.email, name)
            assert b"%PDF" not in _body(response) and b"CstmrCdtTrfInitn" not in _body(response)
        client.logout()


def test_the_right_person_gets_the_bytes_with_private_headers(
    documents, mode, client, bakery, coordinator, board_member
):
    secure = mode == "production"
    downloads = [
        (bakery.contact, "invoice (business)"),
        (bakery.contact, "credit note (business)"),
        (coordinator, "invoice (office)"),
        (coordinator, "credit note (office)"),
        (coordinator, "SEPA file"),
        (board_member, "SEPA file"),
    ]
    stored = documents.stored()
    for user, label in downloads:
        field_file, url, content_type = stored[label]
        client.force_login(user)
        response = client.get(url, secure=secure)
        assert response.status_code == 200, label
        with field_file.storage.open(field_file.name, "rb") as fh:
            assert _body(response) == fh.read(), label
        assert response["Content-Type"] == content_type
        filename = Path(field_file.name).name
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"', label
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "X-Accel-Redirect" not in response
    assert _body(client.get(stored["SEPA file"][1], secure=secure)).startswith(b"<?xml")
    client.force_login(bakery.contact)
    assert _body(client.get(stored["invoice (business)"][1], secure=secure)).startswith(b"%PDF")


def test_earnings_statements_rendered_per_request_get_the_same_headers(documents, client, fatima, coordinator):
    urls = documents.urls()
    for user, name in [(fatima.user, "member_earnings_statement"), (coordinator, "office_payout_item_statement")]:
        client.force_login(user)
        response = client.get(urls[name])
        assert response.status_code == 200, name
        assert _body(response).startswith(b"%PDF")
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_accel_redirect_mode_answers_with_the_header_and_no_body(documents, client, settings, coordinator, bakery):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = ACCEL
    stored = documents.stored()
    for label, (field_file, url, content_type) in stored.items():
        client.force_login(bakery.contact if "business" in label else coordinator)
        response = client.get(url)
        assert response.status_code == 200, label
        assert response["X-Accel-Redirect"] == f"/_private/{field_file.name}"
        assert response.content == b""
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{Path(field_file.name).name}"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_missing_from_the_private_root_is_404_not_a_crash(documents, client, coordinator):
    field_file, url, _type = documents.stored()["SEPA file"]
    field_file.storage.delete(field_file.name)
    client.force_login(coordinator)
    assert client.get(url).status_code == 404


def test_download_names_keep_only_safe_characters():
    response = private_file_response(b"x", filename='KAN"2026\r\n/../evil.pdf', content_type="application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="KAN-2026-..-evil.pdf"'


# --- the system check -----------------------------------------------------------------------------------


def _ids(messages: list[checks.CheckMessage]) -> set[str | None]:
    return {m.id for m in messages}


def test_check_is_silent_for_separate_folders(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert check_private_root_not_published() == []


def test_check_warns_when_private_root_is_published(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "static" / "private"
    assert _ids(check_private_root_not_published()) == {"coop.W102"}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    found = checks.run_checks(include_deployment_checks=True)
    assert "coop.W103" in _ids(found)
    assert all(m.level == checks.WARNING for m in found if m.id == "coop.W103")


def test_deploy_check_fails_in_production_when_the_private_root_is_media_root(tmp_path):
    from tests.platform.test_settings import _manage, production_env

    env = {
        **production_env(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "files"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "files"),
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "coop.W103" in result.stdout + result.stderr
