from django.urls import path

from coop.transparency import views

urlpatterns = [
    path("", views.home, name="home"),
]
