from django.urls import path

from invoicing.payments import views

app_name = "payments"

urlpatterns = [
    # Business side: pay from the portal, or from the e-mail with a signed link.
    path("payments/invoices/", views.business_invoices_to_pay, name="business_invoices_to_pay"),
    path("payments/invoices/<int:invoice_id>/pay/", views.invoice_pay, name="invoice_pay"),
    path("payments/pay/<str:token>/", views.invoice_pay_link, name="invoice_pay_link"),
    # Stripe: one webhook URL per coop, verified with that coop's own secret.
    path("payments/webhooks/stripe/<slug:coop_slug>/", views.stripe_webhook, name="stripe_webhook"),
    # Office.
    path("office/payments/", views.office_payments, name="office_payments"),
    path(
        "office/payments/invoices/<int:invoice_id>/record/", views.office_payment_record, name="office_payment_record"
    ),
    path("office/payments/unallocated/", views.office_receipts, name="office_receipts"),
    path("office/payments/unallocated/<int:receipt_id>/", views.office_receipt_detail, name="office_receipt_detail"),
    path("office/payments/refunds/", views.office_refund_list, name="office_refund_list"),
    path("office/payments/<int:payment_id>/refund/", views.office_refund, name="office_refund"),
    path(
        "office/payments/refunds/<int:request_id>/<str:action>/",
        views.office_refund_decide,
        name="office_refund_decide",
    ),
    path("office/payments/bank-import/", views.office_bank_import, name="office_bank_import"),
    path(
        "office/payments/anomalies/<int:anomaly_id>/resolve/",
        views.office_anomaly_resolve,
        name="office_anomaly_resolve",
    ),
    path("office/payments/stripe/", views.office_stripe_account, name="office_stripe_account"),
    path("office/payments/days-outstanding/", views.office_dso, name="office_dso"),
    path("office/payouts/", views.office_payout_list, name="office_payout_list"),
    path("office/payouts/new/", views.office_payout_prepare, name="office_payout_prepare"),
    path("office/payouts/<int:batch_id>/", views.office_payout_detail, name="office_payout_detail"),
    path("office/payouts/<int:batch_id>/sepa.xml", views.office_payout_download, name="office_payout_download"),
    path(
        "office/payouts/<int:batch_id>/lines/<int:item_id>/statement.pdf",
        views.office_payout_item_statement,
        name="office_payout_item_statement",
    ),
    path("office/payouts/<int:batch_id>/<str:action>/", views.office_payout_action, name="office_payout_action"),
]
