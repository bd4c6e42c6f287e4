"""Private files: where documents with personal or financial data are stored, and the one way they leave.

Invoices, credit notes, payout (SEPA) files and anything else with names, amounts or IBANs live in the
"private" storage (settings.STORAGES["private"], rooted at settings.PRIVATE_MEDIA_ROOT). No URL pattern
and no reverse-proxy location may serve that folder: the storage has no URL at all. A view first checks
who asks, then answers with `private_file_response`, which streams the file itself or, when
settings.PRIVATE_MEDIA_ACCEL_REDIRECT names an nginx `internal` location, hands the sending to nginx.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, cached_property, empty
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

PRIVATE_STORAGE_ALIAS = "private"

# A download name keeps letters, digits, dot, dash and underscore; anything else (quotes, slashes,
# newlines from a coop's slug or a number prefix) becomes a dash.
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder of its own (PRIVATE_MEDIA_ROOT) whose files have no URL."""

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(location=location, **kwargs)
        self._private_location = location

    @cached_property
    def base_location(self) -> str:
        return os.fspath(settings.PRIVATE_MEDIA_ROOT if self._private_location is None else self._private_location)

    def _clear_cached_properties(self, setting: Any, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them with coop.files.private_file_response.")


class _PrivateStorage(LazyObject):
    """storages["private"], looked up again when a test changes STORAGES (like Django's default_storage)."""

    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private_storage = _PrivateStorage()


def _private_storage_reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        _private_storage._wrapped = empty  # type: ignore[assignment]  # LazyObject's own "not loaded yet"


setting_changed.connect(_private_storage_reset)


def private_storage() -> Storage:
    """The storage for FileField(storage=private_storage): a callable, so migrations name it, not a path."""
    return _private_storage  # type: ignore[return-value]


def _download_name(filename: str) -> str:
    return _UNSAFE_FILENAME.sub("-", filename).strip("-.") or "download"


def private_file_response(source: FieldFile | bytes, *, filename: str, content_type: str) -> HttpResponseBase:
    """The download of a private document, for a view that has already checked who asks.

    `source` is a stored file (a FileField's value) or bytes rendered for this request (an earnings
    statement). Raises Http404 when the stored file is missing (for example not yet moved to
    PRIVATE_MEDIA_ROOT after an upgrade).
    """
    name = _download_name(filename)
    disposition = content_disposition_header(True, name) or "attachment"
    response: HttpResponseBase
    if isinstance(source, bytes):
        response = HttpResponse(source, content_type=content_type)
        response["Content-Disposition"] = disposition
    else:
        stored_name = source.name or ""
        if not stored_name or not source.storage.exists(stored_name):
            logger.error("Private file %r is missing under PRIVATE_MEDIA_ROOT", stored_name)
            raise Http404
        accel_prefix = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
        if accel_prefix:
            # nginx sends the file from its `internal` location and keeps this answer's Content-Type,
            # Content-Disposition and Cache-Control; the body must stay empty.
            response = HttpResponse(b"", content_type=content_type)
            response["Content-Disposition"] = disposition
            response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + quote(stored_name)
        else:
            response = FileResponse(source.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Documents people may upload, recognised by their first bytes (what a file is, not what it is called).
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
_SIGNATURES = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}


def uploaded_file_type(upload: Any, *, allowed: tuple[str, ...] = (PDF, JPEG, PNG)) -> str | None:
    """The content type of an uploaded file judged by its content, or None.

    None when its first bytes are none of the `allowed` types, or when its name's extension says
    another type than its content (a PNG called .pdf): both are refused, so a download always
    opens as what its name promises. The file is read from the start and left at the start.
    """
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (getattr(upload, "name", "") or "").lower()
    for content_type in allowed:
        if head.startswith(_SIGNATURES[content_type]):
            return content_type if name.endswith(EXTENSIONS[content_type]) else None
    return None


def _path(value: Any) -> Path | None:
    return Path(os.fspath(value)).resolve() if value else None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


@checks.register(checks.Tags.security)
def check_private_root_not_published(**kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the private folder lies where a web server publishes files (static or public media)."""
    private_root = _path(getattr(settings, "PRIVATE_MEDIA_ROOT", None))
    if private_root is None:
        return [checks.Warning("PRIVATE_MEDIA_ROOT is not set.", id="coop.W101")]
    problems: list[checks.CheckMessage] = []
    static_root = _path(settings.STATIC_ROOT)
    if static_root is not None and _inside(private_root, static_root):
        problems.append(
            checks.Warning(
                "PRIVATE_MEDIA_ROOT lies inside STATIC_ROOT, which is published: invoices and payout files "
                "would be downloadable by anyone.",
                hint="Give PRIVATE_MEDIA_ROOT its own folder outside STATIC_ROOT and MEDIA_ROOT.",
                id="coop.W102",
            )
        )
    media_root = _path(settings.MEDIA_ROOT)
    if media_root is not None and _inside(private_root, media_root):
        problems.append(
            checks.Warning(
                "PRIVATE_MEDIA_ROOT is MEDIA_ROOT or lies inside it; a /media/ location of the web server "
                "would publish invoices and payout files.",
                hint="Give PRIVATE_MEDIA_ROOT its own folder outside STATIC_ROOT and MEDIA_ROOT.",
                id="coop.W103",
            )
        )
    return problems
