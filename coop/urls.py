from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (decision 034).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("members.urls")),
    path("", include("jobs.urls")),
    path("", include("jobs.matching.urls")),
    path("", include("jobs.hours.urls")),
    path("", include("invoicing.urls")),
    path("", include("invoicing.payments.urls")),
    path("", include("coop.rulebook.urls")),
    path("", include("coop.governance.urls")),
    path("", include("coop.transparency.urls")),
]
# No pattern serves MEDIA_URL or PRIVATE_MEDIA_ROOT, not even in DEBUG: documents with personal or financial
# data leave only through views that check who asks (coop/files.py).
