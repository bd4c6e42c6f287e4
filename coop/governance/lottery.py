"""The draw by lot, written so anyone can redo it with a few lines of Python and the public page.

    seed   = sha256("<coop slug>|<draw number>|<member numbers, sorted, comma-separated>|<public value>")
    ticket = sha256("<seed>|<member number>")       for each volunteer
    drawn  = the `size` volunteers with the lowest tickets (as hexadecimal text), lowest first

Nothing here is secret and nothing is random at draw time: the outcome follows from inputs that
were published before the public value was known.
"""

from __future__ import annotations

import hashlib


def draw_seed(*, coop_slug: str, draw_number: int, volunteer_numbers: list[int], public_value: str) -> str:
    numbers = ",".join(str(n) for n in sorted(volunteer_numbers))
    return hashlib.sha256(f"{coop_slug}|{draw_number}|{numbers}|{public_value.strip()}".encode()).hexdigest()


def draw_ticket(seed: str, member_number: int) -> str:
    return hashlib.sha256(f"{seed}|{member_number}".encode()).hexdigest()


def draw_winners(*, seed: str, volunteer_numbers: list[int], size: int) -> list[int]:
    """The drawn member numbers, lowest ticket first."""
    return sorted(volunteer_numbers, key=lambda n: draw_ticket(seed, n))[:size]
