from django.urls import path

from invoicing.views import books, business, member, office, shares

urlpatterns = [
    # Business portal
    path("business/invoices/", business.business_invoice_list, name="business_invoice_list"),
    path("business/invoices/<int:invoice_id>/", business.business_invoice_detail, name="business_invoice_detail"),
    path("business/invoices/<int:invoice_id>/pdf/", business.business_invoice_pdf, name="business_invoice_pdf"),
    path(
        "business/credit-notes/<int:credit_note_id>/pdf/",
        business.business_credit_note_pdf,
        name="business_credit_note_pdf",
    ),
    # Back office
    # The books (coop.ledger) are shown here: the kernel holds no pages, it does not know who is staff.
    path("office/books/", books.ledger_books, name="ledger_books"),
    path("office/books/journal/", books.ledger_journal, name="ledger_journal"),
    path("office/invoices/", office.office_invoice_list, name="office_invoice_list"),
    path("office/invoices/run/", office.office_invoice_run, name="office_invoice_run"),
    path("office/invoices/<int:invoice_id>/", office.office_invoice_detail, name="office_invoice_detail"),
    path("office/invoices/<int:invoice_id>/pdf/", office.office_invoice_pdf, name="office_invoice_pdf"),
    path(
        "office/invoices/<int:invoice_id>/credit/", office.office_credit_note_create, name="office_credit_note_create"
    ),
    path("office/credit-notes/<int:credit_note_id>/pdf/", office.office_credit_note_pdf, name="office_credit_note_pdf"),
    path("office/payroll/", office.office_payroll_export, name="office_payroll_export"),
    path("office/shares/", shares.office_share_register, name="office_share_register"),
    path("office/shares/register.csv", shares.office_share_register_csv, name="office_share_register_csv"),
    path("office/shares/<int:share_id>/payment/", shares.office_share_payment, name="office_share_payment"),
    path("office/shares/<int:share_id>/refund/", shares.office_share_refund_approve, name="office_share_refund"),
    path("office/shares/refund-batch/", shares.office_share_refund_batch, name="office_share_refund_batch"),
    # Member portal
    path("earnings/", member.member_earnings, name="member_earnings"),
    path("member/shares/", shares.member_shares, name="member_shares"),
    path(
        "earnings/<int:year>/<int:month>/statement.pdf",
        member.member_earnings_statement,
        name="member_earnings_statement",
    ),
]
