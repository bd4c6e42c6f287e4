"""What every REST endpoint shares: errors in the caller's language, and error responses in the schema.

- `api_exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]): DRF turns Django's Http404 into a
  NotFound that keeps Django's English text ("No Offer matches the given query.") and its
  PermissionDenied into one without a translated text. Here they get our own translated sentences.
  LocaleMiddleware has already activated the request's language (Accept-Language nl → Dutch).
- `schema_add_error_responses` (a drf-spectacular postprocessing hook): 400, 403 and 404 can come back
  from every operation (bad input or an unknown page, not allowed, not yours or not there), so every
  operation documents them, with the shape of the body.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

NOT_FOUND_TEXT = _("We could not find this. It does not exist, or it is not yours to see.")
FORBIDDEN_TEXT = _("You are not allowed to do this.")


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Django's untranslated 404 and 403 texts replaced by translated ones."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND_TEXT)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if exc.args else FORBIDDEN_TEXT)
    return exception_handler(exc, context)


ERROR_SCHEMA_NAME = "Error"
VALIDATION_ERROR_SCHEMA_NAME = "ValidationError"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A refusal, in the language of the request (Accept-Language).",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words for a person."}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Bad input, in the language of the request. Each key is a field (or non_field_errors, or detail) "
        "with the messages about it; a list field has the messages per item."
    ),
    "additionalProperties": {},
}

ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": (VALIDATION_ERROR_SCHEMA_NAME, "Bad input: the body says which field and why. Nothing was changed."),
    "403": (ERROR_SCHEMA_NAME, "Not logged in, or not allowed to do this. Nothing was changed."),
    "404": (ERROR_SCHEMA_NAME, "Not found, or not yours (an id out of range too). Nothing was changed."),
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def schema_add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Document 400, 403 and 404 (with their body) on every operation that does not say otherwise."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    schemas.setdefault(VALIDATION_ERROR_SCHEMA_NAME, VALIDATION_ERROR_SCHEMA)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, (schema_name, description) in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
                    },
                )
    return result
