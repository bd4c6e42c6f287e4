"""Documents with a fund-payout proposal: checked by content and size, private, only for the coop's own people."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coop.governance.exceptions import GovernanceError
from coop.governance.models import PROPOSAL_DOCUMENTS_MAX, Proposal, ProposalDocument
from coop.governance.services import proposal_create, proposal_documents_add
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.limits import UPLOAD_MAX_BYTES
from coop.models import AuditEvent
from coop.money import eur

pytestmark = pytest.mark.django_db

# A real one-page PDF (what a scanner or "save as PDF" writes, in its smallest form).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (31, 94, 140)).save(out, format=fmt)
    return out.getvalue()


def pdf(name="offerte.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="voorbeeld.png"):
    return SimpleUploadedFile(name, _image("PNG"), content_type="image/png")


def jpeg(name="gevel.jpg"):
    return SimpleUploadedFile(name, _image("JPEG"), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are checked in English here (Dutch is the default); one test checks the Dutch wording."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def fund(kanaleneiland):
    fund = account_get_or_create(coop=kanaleneiland, code=AccountCode.FUND)
    bank = account_get_or_create(coop=kanaleneiland, code=AccountCode.BANK)
    ledger_post(
        coop=kanaleneiland,
        occurred_on=dt.date(2026, 11, 1),
        description="fund share of invoices",
        legs=[Leg(account=bank, debit=eur("1000.00")), Leg(account=fund, credit=eur("1000.00"))],
    )


PAYOUT = {
    "title": "Planten voor de flat",
    "summary": "De entree van de flat aan de Marshalllaan wordt groen.",
    "payout_amount": "400.00",
    "payout_purpose": "Planten en bakken",
    "beneficiary_name": "Bewonersgroep Marshalllaan",
    "beneficiary_iban": "NL91ABNA0417164300",
}


@pytest.fixture
def greening(kanaleneiland, fatima, fund):
    """Fatima's payout proposal with a quote (PDF) and a photo (JPEG)."""
    return proposal_create(
        coop=kanaleneiland,
        actor=fatima.user,
        member=fatima,
        kind=Proposal.Kind.FUND_PAYOUT,
        title="Plants for the flats",
        summary="Green the entrance of the Marshalllaan flats.",
        payout_amount=eur("400.00"),
        payout_purpose="Plants and pots",
        beneficiary_name="Bewonersgroep Marshalllaan",
        beneficiary_iban="NL91ABNA0417164300",
        documents=[pdf(), jpeg()],
    )


def _state():
    """What a refused upload must leave as it was: rows, audit rows and the files on disk."""
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    files = sorted(str(p) for p in private.rglob("*") if p.is_file()) if private.exists() else []
    return (
        Proposal.objects.count(),
        list(ProposalDocument.objects.values_list("pk", "name")),
        AuditEvent.objects.count(),
        files,
    )


# --- happy path -------------------------------------------------------------------------------------
def test_a_member_attaches_documents_when_proposing_a_payout(client, fatima, fund):
    client.force_login(fatima.user)
    url = reverse("governance:proposal_new", args=["fund_payout"])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    response = client.post(url, {**PAYOUT, "documents": [pdf(), png()]})
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get(coop=fatima.coop)
    documents = list(proposal.documents.order_by("pk"))
    assert [(d.name, d.content_type) for d in documents] == [
        ("offerte.pdf", "application/pdf"),
        ("voorbeeld.png", "image/png"),
    ]
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / documents[0].file.name
    assert stored.read_bytes() == PDF  # in private storage, under a name of our own
    assert "offerte" not in documents[0].file.name
    event = AuditEvent.objects.get(action="governance.documents_added")
    assert [f["name"] for f in event.data["files"]] == ["offerte.pdf", "voorbeeld.png"]


def test_the_proposer_adds_a_document_later_on_the_proposal_page(client, fatima, greening):
    client.force_login(fatima.user)
    detail = reverse("governance:proposal_detail", args=[greening.number])
    assert (
        'action="{}"'.format(reverse("governance:proposal_documents_add", args=[greening.number]))
        in client.get(detail).content.decode()
    )
    response = client.post(reverse("governance:proposal_documents_add", args=[greening.number]), {"documents": png()})
    assert response.status_code == 302
    assert greening.documents.count() == 3


def test_a_member_of_the_coop_downloads_a_document(client, voters, greening):
    document = greening.documents.order_by("pk").first()
    client.force_login(voters[1].user)
    page = client.get(reverse("governance:proposal_detail", args=[greening.number])).content.decode()
    url = reverse("governance:proposal_document", args=[greening.number, document.pk])
    assert url in page and "offerte.pdf" in page
    assert "proposal_documents_add" not in page and 'name="documents"' not in page  # only the proposer adds
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"


# --- who may not ------------------------------------------------------------------------------------
def test_an_anonymous_visitor_gets_no_document(client, greening):
    document = greening.documents.first()
    response = client.get(reverse("governance:proposal_document", args=[greening.number, document.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_of_another_coop_gets_no_document(client, jan, greening):
    document = greening.documents.first()
    client.force_login(jan.user)
    assert client.get(reverse("governance:proposal_document", args=[greening.number, document.pk])).status_code == 404


def test_a_document_is_only_reachable_through_its_own_proposal(client, kanaleneiland, fatima, greening):
    motion = proposal_create(
        coop=kanaleneiland, actor=fatima.user, member=fatima, kind=Proposal.Kind.MOTION, title="Feest", summary="Ja."
    )
    document = greening.documents.first()
    client.force_login(fatima.user)
    assert client.get(reverse("governance:proposal_document", args=[motion.number, document.pk])).status_code == 404


def test_another_member_cannot_add_documents(client, voters, greening):
    before = _state()
    client.force_login(voters[1].user)
    response = client.post(
        reverse("governance:proposal_documents_add", args=[greening.number]), {"documents": png()}, follow=True
    )
    assert "Only who made the proposal can add documents." in response.content.decode()
    assert _state() == before


# --- bad input: a clear error, nothing changed ----------------------------------------------------------
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("offerte.pdf", b"Dit is geen PDF maar tekst.", content_type="application/pdf"),
        SimpleUploadedFile("script.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"),
        SimpleUploadedFile("photo.pdf", _image("PNG"), content_type="application/pdf"),  # a PNG called .pdf
        SimpleUploadedFile("offerte.exe", PDF, content_type="application/pdf"),  # a PDF with a strange name
        SimpleUploadedFile("plaatje.gif", b"GIF89a" + bytes(20), content_type="image/gif"),
    ],
    ids=["text", "html", "png-named-pdf", "pdf-named-exe", "gif"],
)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_by_content_is_refused(client, fatima, fund, upload):
    client.force_login(fatima.user)
    before = _state()
    response = client.post(reverse("governance:proposal_new", args=["fund_payout"]), {**PAYOUT, "documents": [upload]})
    assert response.status_code == 200
    assert "is not a PDF, JPEG or PNG file. Only those can be added." in str(
        response.context["form"].errors["documents"]
    )
    assert _state() == before


def test_the_refusal_is_in_dutch_for_a_dutch_reader(client, fatima, fund):
    client.force_login(fatima.user)
    upload = SimpleUploadedFile("offerte.pdf", b"Dit is tekst.", content_type="application/pdf")
    response = client.post(
        reverse("governance:proposal_new", args=["fund_payout"]),
        {**PAYOUT, "documents": [upload]},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    errors = str(response.context["form"].errors["documents"])
    assert "Het bestand offerte.pdf is geen PDF-, JPEG- of PNG-bestand. Alleen die kun je toevoegen." in errors
    assert not Proposal.objects.exists()


def test_a_file_above_the_upload_limit_is_refused(client, fatima, fund):
    client.force_login(fatima.user)
    before = _state()
    big = pdf(content=PDF + b"0" * (UPLOAD_MAX_BYTES - len(PDF) + 1))
    response = client.post(reverse("governance:proposal_new", args=["fund_payout"]), {**PAYOUT, "documents": [big]})
    assert "The file is too large: at most 10 MB." in str(response.context["form"].errors["documents"])
    assert _state() == before


def test_more_documents_than_the_maximum_are_refused_when_proposing(client, fatima, fund):
    client.force_login(fatima.user)
    before = _state()
    files = [png(f"foto-{i}.png") for i in range(PROPOSAL_DOCUMENTS_MAX + 1)]
    response = client.post(reverse("governance:proposal_new", args=["fund_payout"]), {**PAYOUT, "documents": files})
    assert "A proposal can have at most 5 documents." in str(response.context["form"].errors["documents"])
    assert _state() == before


def test_adding_past_the_maximum_later_is_refused_and_changes_nothing(client, fatima, greening):
    proposal_documents_add(
        proposal=greening, files=[png(f"foto-{i}.png") for i in range(PROPOSAL_DOCUMENTS_MAX - 2)], actor=fatima.user
    )
    before = _state()
    client.force_login(fatima.user)
    response = client.post(
        reverse("governance:proposal_documents_add", args=[greening.number]), {"documents": png()}, follow=True
    )
    assert "A proposal can have at most 5 documents. It has 5 now." in response.content.decode()
    assert _state() == before


def test_the_service_checks_again_whatever_the_form_let_through(fatima, greening, kanaleneiland):
    before = _state()
    with pytest.raises(GovernanceError):
        proposal_documents_add(proposal=greening, files=[pdf(content=b"not a pdf")], actor=fatima.user)
    with pytest.raises(GovernanceError):
        proposal_create(
            coop=kanaleneiland,
            actor=fatima.user,
            member=fatima,
            kind=Proposal.Kind.MOTION,
            title="Feest",
            summary="Ja.",
            documents=[pdf()],  # only payouts carry documents
        )
    assert _state() == before


def test_a_decided_proposal_takes_no_more_documents(fatima, greening):
    Proposal.objects.filter(pk=greening.pk).update(status=Proposal.Status.WITHDRAWN)
    before = _state()
    with pytest.raises(GovernanceError):
        proposal_documents_add(proposal=greening, files=[png()], actor=fatima.user)
    assert _state() == before


def test_choosing_no_file_says_so(client, fatima, greening):
    client.force_login(fatima.user)
    before = _state()
    response = client.post(reverse("governance:proposal_documents_add", args=[greening.number]), {}, follow=True)
    assert "Choose at least one file." in response.content.decode()
    assert _state() == before
