from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    """Send the user to the portal that fits them best."""
    return redirect("home")
