"""Encryption at rest of per-coop secrets (Stripe keys): Fernet with a key derived from the environment.

settings.FIELD_ENCRYPTION_KEY comes from the environment; HKDF turns any string into the 32-byte
key Fernet needs, so operators can use a passphrase. Changing the env key makes stored secrets
unreadable (they must be entered again): decrypting then raises SecretUnreadable, never garbage.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the current FIELD_ENCRYPTION_KEY."""


@lru_cache(maxsize=4)
def _fernet(env_key: str) -> Fernet:
    if not env_key:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set to store secrets")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"wijkwerk field encryption").derive(
        env_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def secret_encrypt(plain: str) -> str:
    """The Fernet token of a secret (empty stays empty)."""
    if not plain:
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def secret_decrypt(token: str) -> str:
    """The secret behind a token. Raises SecretUnreadable."""
    if not token:
        return ""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("stored secret cannot be decrypted with the current key") from exc


def secret_hint(plain: str) -> str:
    """What may be shown of a secret after saving: its last four characters."""
    return plain[-4:] if plain else ""
