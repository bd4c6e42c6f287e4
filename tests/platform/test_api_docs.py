"""The API documentation page works offline: its assets come from our own static files."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_api_docs_use_vendored_swagger_ui_not_a_cdn(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("api_docs")).content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.django_db
def test_api_schema_is_generated_without_errors(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    assert b"openapi" in response.content
