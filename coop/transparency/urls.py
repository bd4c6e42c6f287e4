from django.urls import path

from coop.transparency import views

urlpatterns = [
    path("", views.home, name="home"),
    path("coop/switch/", views.coop_switch, name="coop_switch"),
]
