from django.urls import path

from members import views

urlpatterns = [
    path("portal/", views.portal_home, name="portal_home"),
]
