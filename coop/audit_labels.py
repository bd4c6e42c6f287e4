"""Plain-language names for audit actions, for the history pages members and businesses read.

The action codes stay as written (they are data and never change); this only says them in words.
An action without a label here is shown as its code, so a new action is never hidden.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "assignment.cancelled": _("Planned work cancelled"),
    "assignment.created": _("Work planned"),
    "business.contact_added": _("Contact added"),
    "business.contact_removed": _("Contact removed"),
    "business.details_changed": _("Business details changed"),
    "business.registered": _("Business registered"),
    "calendar_feed.regenerated": _("New calendar link made"),
    "coop.created": _("Cooperative created"),
    "coop.updated": _("Cooperative details changed"),
    "credit_note.issued": _("Credit note issued"),
    "demo.seeded": _("Demo data loaded"),
    "group.changed": _("Group and its permissions changed"),
    "group.created": _("Group created"),
    "hour_entry.submitted": _("Hours registered"),
    "hour_entry.approved": _("Hours approved"),
    "hour_entry.approved_silently": _("Hours approved automatically"),
    "hour_entry.corrected": _("Hours corrected by the client"),
    "hour_entry.correction_accepted": _("Correction accepted"),
    "hour_entry.marked_not_done": _("Marked as not done"),
    "hour_entry.disputed": _("Objection to the hours"),
    "hour_entry.dispute_decided": _("Coordinator decided on the hours"),
    "invoice.credited": _("Invoice credited"),
    "invoice.emailed": _("Invoice e-mailed"),
    "invoice.issued": _("Invoice issued"),
    "invoice.pdf_rendered": _("Invoice PDF made"),
    "invoice.reminder_sent": _("Payment reminder sent"),
    "invoice.run": _("Invoices made"),
    "job.closed": _("Job closed"),
    "job.posted": _("Job posted"),
    "ledger.posted": _("Booked in the books"),
    "ledger.reversed": _("Booking reversed"),
    "matching.round_run": _("Work shared out (matching round)"),
    "member.admitted": _("Admitted as a member"),
    "member.applied": _("Applied for membership"),
    "member.assisted_started": _("Coordinator started helping"),
    "member.assisted_stopped": _("Coordinator stopped helping"),
    "member.consent_given": _("Permission for help given"),
    "member.consent_withdrawn": _("Permission for help withdrawn"),
    "member.details_changed": _("Details changed"),
    "member.left": _("Membership ended"),
    "member.paused": _("Membership paused"),
    "member.profile_changed": _("Work profile changed"),
    "member.rejected": _("Application not accepted"),
    "member.resumed": _("Membership started again"),
    "member.skills_changed": _("Skills changed"),
    "offer.created": _("Work offered"),
    "offer.accepted": _("Offer accepted"),
    "offer.declined": _("Offer declined"),
    "offer.expired": _("Offer expired"),
    "offer.withdrawn": _("Offer withdrawn"),
    "payments.anomaly_recorded": _("Payment problem noted"),
    "payments.anomaly_resolved": _("Payment problem solved"),
    "payments.bank_statement_imported": _("Bank statement imported"),
    "payments.checkout_requested": _("Online payment started"),
    "payments.fee_recorded": _("Payment fee booked"),
    "payments.payment_recorded": _("Payment received"),
    "payments.refund_recorded": _("Refund booked"),
    "payments.stripe_keys_set": _("Online payment keys set"),
    "payout.prepared": _("Payout prepared"),
    "payout.approved": _("Payout approved"),
    "payout.sent": _("Payout sent to the bank"),
    "payout.cancelled": _("Payout cancelled"),
    "payroll.exported": _("Hours and wages exported"),
    "role.granted": _("Role given"),
    "role.revoked": _("Role taken away"),
    "rulebook.version_created": _("New version of the rules"),
    "shift.cancelled": _("Shift cancelled"),
    "skill.changed": _("Skill changed"),
    "skill.created": _("Skill added"),
    "user.access_changed": _("Access to the back office changed"),
    "user.created": _("Login created"),
    "user.details_changed": _("Login details changed"),
    "user.password_set_by_admin": _("Password set by the administrator"),
}


def audit_action_label(action: str) -> str:
    """The action in plain words (in the active language), or its code when it has no label."""
    label = ACTION_LABELS.get(action)
    if label is None and action.endswith(".admin_changed"):
        return str(_("Changed in the admin"))
    return str(label) if label is not None else action
