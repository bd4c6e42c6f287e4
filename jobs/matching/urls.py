from django.urls import path

from jobs.matching import views

urlpatterns = [
    path("office/matching/", views.matching_round_list, name="matching_round_list"),
    path("office/matching/run/", views.matching_round_run_now, name="matching_round_run_now"),
    path("office/matching/<int:round_id>/", views.matching_round_detail, name="matching_round_detail"),
]
