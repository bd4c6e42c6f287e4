"""The API does what its OpenAPI schema says: real responses validate against it, errors are documented.

Found with Schemathesis: time fields came back as "06:00:00" against `format: time`, and 400/403/404
came back from operations that did not list them.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from jobs.api.serializers import TIME_PATTERN
from tests.jobs.factories import OpenJobFactory, OpenShiftFactory, PendingOfferFactory, PlannedAssignmentFactory
from tests.jobs.hours.conftest import assignment_at
from tests.jobs.hours.factories import SubmittedHourEntryFactory
from tests.jobs.test_api import payload

pytestmark = pytest.mark.django_db

HUGE_ID = 99999999999999999999
ERROR_CODES = ("400", "403", "404")
METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
def schema(client, outsider) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The schema as the API serves it (with every postprocessing hook applied)."""
    client.force_login(outsider)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes an allowed null."""
    if isinstance(node, list):
        return [_as_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out or "allOf" in out or "oneOf" in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _operation(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for template, operations in schema["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the schema")


def assert_conforms(schema: dict[str, Any], method: str, path: str, response: Any) -> None:
    """The response's status is documented for the operation and its body validates against that schema."""
    operation = _operation(schema, method, path.split("?")[0])
    code = str(response.status_code)
    assert code in operation["responses"], f"{method.upper()} {path} returned undocumented {code}"
    body_schema = operation["responses"][code]["content"]["application/json"]["schema"]
    full = _as_json_schema({**copy.deepcopy(body_schema), "components": schema["components"]})
    validator = Draft202012Validator(full, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
    assert errors == [], f"{method.upper()} {path} {code}: {errors}"


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_operation_documents_400_403_and_404(schema):
    missing = [
        f"{method.upper()} {path} {code}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
        for code in ERROR_CODES
        if code not in operation["responses"]
    ]
    assert missing == []
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]


def test_no_time_field_claims_rfc3339_time(schema):
    assert [node for node in _walk(schema) if isinstance(node, dict) and node.get("format") == "time"] == []
    time_fields = [
        node
        for node in _walk(schema)
        if isinstance(node, dict)
        for name, field in node.items()
        if name in ("start_time", "end_time") and isinstance(field, dict)
    ]
    assert time_fields
    for node in time_fields:
        for name in ("start_time", "end_time"):
            if name in node:
                assert node[name].get("pattern") == TIME_PATTERN


def test_business_responses_match_the_schema(schema, bakery, kanaleneiland, fatima):
    api = APIClient()
    api.force_authenticate(bakery.contact)
    shift = OpenShiftFactory(
        job=OpenJobFactory(coop=kanaleneiland, business=bakery.business), start_time=dt.time(6), end_time=dt.time(10)
    )
    PlannedAssignmentFactory(shift=shift, member=fatima)
    SubmittedHourEntryFactory(assignment=assignment_at(fatima, bakery, date=timezone.localdate()))

    responses = {
        ("get", "/api/jobs/"): api.get("/api/jobs/"),
        ("get", f"/api/jobs/{shift.job_id}/"): api.get(f"/api/jobs/{shift.job_id}/"),
        ("get", "/api/shifts/"): api.get("/api/shifts/"),
        ("get", f"/api/shifts/{shift.pk}/"): api.get(f"/api/shifts/{shift.pk}/"),
        ("get", "/api/assignments/"): api.get("/api/assignments/"),
        ("get", "/api/hours/"): api.get("/api/hours/"),
        ("post", "/api/jobs/"): api.post("/api/jobs/", payload(bakery, kanaleneiland), format="json"),
    }
    for (method, path), response in responses.items():
        assert response.status_code in (200, 201), (path, response.content)
        assert_conforms(schema, method, path, response)
    assert api.get(f"/api/shifts/{shift.pk}/").json()["start_time"] == "06:00"
    assert ("06:00", "10:00") in {
        (a["start_time"], a["end_time"]) for a in api.get("/api/assignments/").json()["results"]
    }


def test_error_responses_match_the_schema(schema, bakery, kanaleneiland, fatima):
    api = APIClient()
    api.force_authenticate(bakery.contact)
    cases = [
        ("get", f"/api/jobs/{HUGE_ID}/", None, 404),
        ("get", f"/api/shifts/{HUGE_ID}/", None, 404),
        ("post", "/api/hours/approve/", {"ids": [HUGE_ID]}, 400),
        ("post", "/api/jobs/", {**payload(bakery, kanaleneiland), "description": "x" * 100_000}, 400),
        ("get", "/api/hours/?status=nonsense", None, 400),
    ]
    for method, path, data, code in cases:
        response = api.post(path, data, format="json") if method == "post" else api.get(path)
        assert response.status_code == code, (path, response.content)
        assert_conforms(schema, method, path, response)
    api.force_authenticate(fatima.user)
    for path in ("/api/jobs/", "/api/hours/"):
        response = api.get(path)
        assert response.status_code == 403
        assert_conforms(schema, "get", path, response)


def test_member_offer_responses_match_the_schema(schema, fatima):
    api = APIClient()
    api.force_authenticate(fatima.user)
    offer = PendingOfferFactory(member=fatima)
    for path in ("/api/offers/", f"/api/offers/{offer.pk}/", f"/api/offers/{HUGE_ID}/"):
        assert_conforms(schema, "get", path, api.get(path))
    response = api.post(f"/api/offers/{offer.pk}/decline/")
    assert response.status_code == 200
    assert_conforms(schema, "post", f"/api/offers/{offer.pk}/decline/", response)
    assert response.json()["offer"]["start_time"] == "09:00"
