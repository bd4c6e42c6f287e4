"""Documents with a fund-payout proposal: checked (type by content, size, how many), stored privately, audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.files import uploaded_file_type
from coop.governance.exceptions import GovernanceError
from coop.governance.models import DOCUMENT_NAME_MAX_LENGTH, PROPOSAL_DOCUMENTS_MAX, Proposal, ProposalDocument
from coop.limits import UPLOAD_MAX_BYTES, upload_too_large_message


def documents_check(files: Sequence[UploadedFile], *, already: int = 0) -> list[str]:
    """The content type of each file, in order. Raises GovernanceError (on "documents") for a file that
    is empty, too large or not a PDF, JPEG or PNG by its content, or for more than the maximum in all."""
    if already + len(files) > PROPOSAL_DOCUMENTS_MAX:
        raise GovernanceError(
            {
                "documents": [
                    _("A proposal can have at most %(max)d documents. It has %(have)d now.")
                    % {"max": PROPOSAL_DOCUMENTS_MAX, "have": already}
                ]
            }
        )
    types = []
    for upload in files:
        name = upload.name or ""
        if not upload.size:
            raise GovernanceError({"documents": [_("The file %(name)s is empty.") % {"name": name}]})
        if upload.size > UPLOAD_MAX_BYTES:
            raise GovernanceError({"documents": [f"{name}: {upload_too_large_message()}"]})
        content_type = uploaded_file_type(upload)
        if content_type is None:
            raise GovernanceError(
                {
                    "documents": [
                        _("The file %(name)s is not a PDF, JPEG or PNG file. Only those can be added.") % {"name": name}
                    ]
                }
            )
        types.append(content_type)
    return types


def documents_store(proposal: Proposal, files: Sequence[UploadedFile], types: list[str], *, actor: Any) -> None:
    """Store checked files (inside the caller's transaction) and write one audit row for them."""
    for upload, content_type in zip(files, types, strict=True):
        document = ProposalDocument(
            proposal=proposal,
            name=(upload.name or "document")[-DOCUMENT_NAME_MAX_LENGTH:],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        document.file.save("upload", upload, save=False)
        document.save()
    audit_record(
        actor=actor,
        action="governance.documents_added",
        subject=proposal,
        coop=proposal.coop,
        data={"files": [{"name": f.name, "type": t, "size": f.size} for f, t in zip(files, types, strict=True)]},
    )


def proposal_documents_add(*, proposal: Proposal, files: Sequence[UploadedFile], actor: Any) -> list[ProposalDocument]:
    """Who made a fund-payout proposal adds documents while it is not decided. Returns the new documents.

    Raises GovernanceError for another proposal kind, a decided proposal, someone else than who made
    it, or a bad file (see documents_check); then nothing is stored.
    """
    if not files:
        raise GovernanceError({"documents": [_("Choose at least one file.")]})
    with transaction.atomic():
        # of=self: proposed_by may be empty (an outer join), and PostgreSQL locks no row of an outer join.
        proposal = (
            Proposal.objects.select_for_update(of=("self",)).select_related("coop", "proposed_by").get(pk=proposal.pk)
        )
        if proposal.kind != Proposal.Kind.FUND_PAYOUT:
            raise GovernanceError(_("Only a proposal to spend from the fund can have documents."), code="kind")
        if proposal.is_final:
            raise GovernanceError(_("This proposal is decided: its documents cannot change."), code="final")
        own = proposal.proposed_by.user_id == actor.pk if proposal.proposed_by else proposal.created_by_id == actor.pk
        if not own:
            raise GovernanceError(_("Only who made the proposal can add documents."), code="not_allowed")
        # Counted under the proposal's lock: two uploads at once cannot pass the maximum together.
        already = ProposalDocument.objects.filter(proposal=proposal).count()
        types = documents_check(files, already=already)
        before = set(ProposalDocument.objects.filter(proposal=proposal).values_list("pk", flat=True))
        documents_store(proposal, files, types, actor=actor)
        return list(ProposalDocument.objects.filter(proposal=proposal).exclude(pk__in=before).order_by("pk"))
