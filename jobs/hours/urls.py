from django.urls import path

from jobs.hours import api, views

urlpatterns = [
    # member (or a coordinator in assisted mode)
    path("hours/", views.hour_entry_my_list, name="hour_entry_my_list"),
    path("hours/register/<int:assignment_id>/", views.hour_entry_register, name="hour_entry_register"),
    path("hours/<int:pk>/", views.hour_entry_member_detail, name="hour_entry_member_detail"),
    path("hours/<int:pk>/accept/", views.hour_entry_accept_correction, name="hour_entry_accept_correction"),
    path("hours/<int:pk>/dispute/", views.hour_entry_dispute, name="hour_entry_dispute"),
    # business contact
    path("business/hours/", views.hour_entry_business_list, name="hour_entry_business_list"),
    path("business/hours/approve/", views.hour_entry_business_bulk_approve, name="hour_entry_business_bulk_approve"),
    path("business/hours/<int:pk>/", views.hour_entry_business_detail, name="hour_entry_business_detail"),
    path("business/hours/<int:pk>/approve/", views.hour_entry_business_approve, name="hour_entry_business_approve"),
    path("business/hours/<int:pk>/correct/", views.hour_entry_business_correct, name="hour_entry_business_correct"),
    path("business/hours/<int:pk>/not-done/", views.hour_entry_business_not_done, name="hour_entry_business_not_done"),
    # coordinator
    path("office/hours/disputes/", views.hour_entry_dispute_list, name="hour_entry_dispute_list"),
    path("office/hours/disputes/<int:pk>/", views.hour_entry_dispute_decide, name="hour_entry_dispute_decide"),
    # REST API for businesses
    path("api/hours/", api.HourEntryListApi.as_view(), name="hour_entry_api_list"),
    path("api/hours/approve/", api.HourEntryBulkApproveApi.as_view(), name="hour_entry_api_approve"),
]
