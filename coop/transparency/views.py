from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the coop is and how to join or hire."""
    return render(request, "coop/home.html")
