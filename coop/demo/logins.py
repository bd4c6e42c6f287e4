"""The demo logins contract: what `seed_demo` prints at the end and writes to var/demo-logins.txt.

The file is plain UTF-8 text, rewritten on every run (also when the data was already seeded):
a header line naming the password, then one line per login, `<e-mail>  <what it shows>`.
`make run` may simply `cat` it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

LOGINS_FILENAME = "demo-logins.txt"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


def logins_path() -> Path:
    return Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / LOGINS_FILENAME


def logins_render(logins: list[DemoLogin], *, password: str) -> str:
    """The logins block as text (header, one line per login, a closing hint)."""
    width = max((len(login.email) for login in logins), default=20)
    lines = [
        f"Wijkwerk demo logins (password for every demo account: {password})",
        "Log in at /accounts/login/ (with the default `make run`: http://127.0.0.1:8000/accounts/login/)",
        "",
        *(f"  {login.email.ljust(width)}  {login.description}" for login in logins),
        "",
        "Every generated member and business contact also logs in with this password.",
    ]
    return "\n".join(lines) + "\n"


def logins_write(text: str, path: Path | None = None) -> Path:
    """Write the logins block to `path` (default var/demo-logins.txt); returns the path."""
    target = path or logins_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
