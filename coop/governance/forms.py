"""Forms of the decision pages: they check the shape of the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from coop.governance.models import (
    PROPOSAL_DOCUMENTS_MAX,
    PURPOSE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Proposal,
    Vote,
)
from coop.governance.services.documents import documents_check
from coop.limits import UPLOAD_MAX_BYTES, upload_too_large_message
from coop.rulebook.forms import RuleValuesForm

COUNT_MAX = 1_000_000  # more people than any neighbourhood has: a typo, not a meeting


class ProposalTextMixin(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH, help_text=_("One short sentence."))
    summary = forms.CharField(
        label=_("What do you propose, and why?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    hide_results = forms.BooleanField(label=_("Keep the count hidden until the vote closes"), required=False)


class RuleChangeProposalForm(ProposalTextMixin, RuleValuesForm):
    field_order = ["title", "summary", "effective_from", "hide_results"]


class MotionProposalForm(ProposalTextMixin):
    pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's recipe): cleans to a list, empty when none were chosen."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class DocumentsField(MultipleFileField):
    def __init__(self, *, label: Any = None, required: bool = False, **kwargs: Any) -> None:
        super().__init__(
            label=label or _("Documents"),
            required=required,
            help_text=_("For example a quote or a photo. PDF, JPEG or PNG, at most %(mb)d MB each, %(n)d in all.")
            % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024), "n": PROPOSAL_DOCUMENTS_MAX},
            widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
            **kwargs,
        )


def _clean_documents(files: list[UploadedFile], *, already: int = 0) -> list[UploadedFile]:
    try:
        documents_check(files, already=already)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict.get("documents", exc.messages)) from exc
    return files


class PayoutProposalForm(ProposalTextMixin):
    payout_amount = forms.DecimalField(label=_("Amount in euros"), min_value=0.01, max_digits=12, decimal_places=2)
    payout_purpose = forms.CharField(label=_("What is the money for?"), max_length=PURPOSE_MAX_LENGTH)
    beneficiary_name = forms.CharField(
        label=_("Who gets the money?"),
        max_length=70,
        help_text=_("The name of the initiative, member or business, as on their bank account."),
    )
    beneficiary_iban = forms.CharField(label=_("Their IBAN"), max_length=34)
    documents = DocumentsField()

    field_order = ["title", "summary", "payout_amount", "payout_purpose", "beneficiary_name", "beneficiary_iban"]

    def clean_documents(self) -> list[UploadedFile]:
        return _clean_documents(self.cleaned_data["documents"])


class DocumentsForm(forms.Form):
    """More documents for a proposal that already has `already`."""

    # Required for the label; an empty choice still gets our own message (clean_documents).
    documents = DocumentsField(label=_("Add more documents"), required=True)

    def __init__(self, *args: Any, already: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.already = already

    def clean_documents(self) -> list[UploadedFile]:
        files = self.cleaned_data["documents"]
        if not files:
            raise ValidationError(_("Choose at least one file."))
        return _clean_documents(files, already=self.already)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Choose one"), choices=Vote.Choice.choices, widget=forms.RadioSelect)


class ProxyForm(forms.Form):
    holder_number = forms.IntegerField(
        label=_("Member number of who votes for you"),
        min_value=1,
        max_value=2_147_483_647,
        help_text=_("Ask the member for their member number. It is on their page."),
    )


class PaperBallotForm(VoteForm):
    member_number = forms.IntegerField(label=_("Member number on the ballot"), min_value=1, max_value=2_147_483_647)
    field_order = ["member_number", "choice"]


class MeetingFieldsMixin(forms.Form):
    meeting_date = forms.DateField(label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"}))
    electorate = forms.IntegerField(
        label=_("Members who could vote"), min_value=1, max_value=COUNT_MAX, help_text=_("On the day of the meeting.")
    )
    members_present = forms.IntegerField(label=_("Members present"), min_value=0, max_value=COUNT_MAX)
    members_represented = forms.IntegerField(
        label=_("Members represented by a written proxy"), min_value=0, max_value=COUNT_MAX
    )
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=COUNT_MAX)
    votes_against = forms.IntegerField(
        label=_("Votes against"),
        min_value=0,
        max_value=COUNT_MAX,
        help_text=_("Everyone present or represented who voted neither for nor against counts as blank."),
    )
    minutes = forms.FileField(label=_("Minutes (PDF)"))

    def clean_minutes(self) -> UploadedFile:
        minutes: UploadedFile = self.cleaned_data["minutes"]
        if minutes.size is not None and minutes.size > UPLOAD_MAX_BYTES:
            raise ValidationError(upload_too_large_message())
        head = minutes.read(5)
        minutes.seek(0)
        if head != b"%PDF-":
            raise ValidationError(_("Upload the minutes as a PDF file."))
        return minutes


class MeetingMotionForm(ProposalTextMixin, MeetingFieldsMixin):
    field_order = ["title", "summary", "meeting_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["hide_results"]


class MeetingRuleChangeForm(ProposalTextMixin, MeetingFieldsMixin, RuleValuesForm):
    field_order = ["title", "summary", "meeting_date", "effective_from"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["hide_results"]


PROPOSAL_FORMS: dict[str, type[forms.Form]] = {
    Proposal.Kind.RULE_CHANGE: RuleChangeProposalForm,
    Proposal.Kind.MOTION: MotionProposalForm,
    Proposal.Kind.FUND_PAYOUT: PayoutProposalForm,
}


class CommitteeAnnounceForm(forms.Form):
    draw_on = forms.DateField(
        label=_("Day of the draw"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The public random value must become known on this day, not before."),
    )
    public_source = forms.CharField(
        label=_("Where the public random value comes from"),
        max_length=300,
        help_text=_(
            "Something anyone can look up afterwards, e.g. the winning numbers of a public lottery on that day."
        ),
    )


class CommitteeDrawForm(forms.Form):
    public_value = forms.CharField(label=_("The public random value"), max_length=200)
