"""The demo federation: two Utrecht neighbourhood coops, their streets, and the fixed demo staff.

Everything here is invented demo content (Dutch, as a Utrecht coop would write it), not UI text.
The legal identifiers are made up but checksum-valid: the VAT ids pass `stdnum.nl.btw`, the IBANs
pass the IBAN mod-97 check and the old Dutch eleven-test on the account number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from members.adapters import DEMO_PASSWORD as PUBLISHED_DEMO_PASSWORD


@dataclass(frozen=True)
class NeighbourhoodSpec:
    slug: str
    name: str
    legal_name: str
    kvk_number: str
    vat_id: str
    iban: str
    bic: str
    street: str
    postcode: str
    email: str
    phone: str
    website: str
    postcode_areas: tuple[str, ...]
    invoice_prefix: str
    wtta_number: str
    primary_color: str
    accent_color: str
    # Share of the demo's members and businesses that live or work here.
    weight: float
    streets: tuple[str, ...]
    # Postcode areas next door: a few members live just outside the coop's own area.
    nearby_areas: tuple[str, ...]
    # Origin groups of residents and their weights (see people.ORIGINS).
    origin_mix: dict[str, float] = field(default_factory=dict)

    def cooperative_fields(self) -> dict[str, object]:
        """The fields `coop.services.cooperative_create` takes."""
        return {
            "name": self.name,
            "slug": self.slug,
            "legal_name": self.legal_name,
            "kvk_number": self.kvk_number,
            "vat_id": self.vat_id,
            "iban": self.iban,
            "bic": self.bic,
            "street": self.street,
            "postcode": self.postcode,
            "city": "Utrecht",
            "email": self.email,
            "phone": self.phone,
            "website": self.website,
            "postcode_areas": list(self.postcode_areas),
            "invoice_prefix": self.invoice_prefix,
            "wtta_number": self.wtta_number,
            "primary_color": self.primary_color,
            "accent_color": self.accent_color,
        }


KANALENEILAND = NeighbourhoodSpec(
    slug="kanaleneiland",
    name="Kanaleneiland",
    legal_name="Wijkcoöperatie Kanaleneiland U.A.",
    kvk_number="94718203",
    vat_id="NL857219030B01",
    iban="NL96TRIO1987331206",
    bic="TRIONL2U",
    street="Marshalllaan 2",
    postcode="3527TK",
    email="info@kanaleneiland.example.org",
    phone="+31302345678",
    website="https://kanaleneiland.example.org",
    postcode_areas=("3525", "3526", "3527"),
    invoice_prefix="KAN",
    wtta_number="WTTA-2026-004117",
    primary_color="#0b6e4f",
    accent_color="#f2a900",
    weight=0.6,
    streets=(
        "Marshalllaan",
        "Churchilllaan",
        "Rooseveltlaan",
        "Trumanlaan",
        "Briandlaan",
        "Stresemannlaan",
        "Bernadottelaan",
        "Columbuslaan",
        "Vasco da Gamalaan",
        "Marco Pololaan",
        "Livingstonelaan",
        "Cabotlaan",
        "Aziëlaan",
        "Afrikalaan",
        "Australiëlaan",
        "Europalaan",
        "Kanaalweg",
    ),
    nearby_areas=("3528", "3531", "3532"),
    origin_mix={
        "moroccan": 0.34,
        "dutch": 0.20,
        "turkish": 0.17,
        "syrian": 0.07,
        "eritrean": 0.05,
        "polish": 0.04,
        "somali": 0.03,
        "caribbean": 0.05,
        "ukrainian": 0.03,
        "other": 0.02,
    },
)

LUNETTEN = NeighbourhoodSpec(
    slug="lunetten",
    name="Lunetten",
    legal_name="Buurtcoöperatie Lunetten U.A.",
    kvk_number="95036417",
    vat_id="NL861302461B01",
    iban="NL29RABO3141592659",
    bic="RABONL2U",
    street="Hondsrug 21",
    postcode="3523HB",
    email="info@lunetten.example.org",
    phone="+31302871450",
    website="https://lunetten.example.org",
    postcode_areas=("3523",),
    invoice_prefix="LUN",
    wtta_number="WTTA-2026-004262",
    primary_color="#5b2a86",
    accent_color="#e5533c",
    weight=0.4,
    streets=(
        "Hondsrug",
        "Ardennen",
        "Vogezen",
        "Zwarte Woud",
        "Eifel",
        "Karpaten",
        "Sauerland",
        "Jura",
        "Apennijnen",
        "Balkan",
        "Pyreneeën",
        "Taunus",
    ),
    nearby_areas=("3524", "3581", "3584"),
    origin_mix={
        "dutch": 0.62,
        "moroccan": 0.11,
        "turkish": 0.06,
        "syrian": 0.04,
        "eritrean": 0.03,
        "polish": 0.04,
        "caribbean": 0.05,
        "ukrainian": 0.03,
        "somali": 0.01,
        "other": 0.01,
    },
)

NEIGHBOURHOODS: dict[str, NeighbourhoodSpec] = {n.slug: n for n in (KANALENEILAND, LUNETTEN)}


# The password of every demo account (documented in README and printed by `seed_demo`).
# The published demo password lives with the login code that refuses it in production.
DEMO_PASSWORD = PUBLISHED_DEMO_PASSWORD


@dataclass(frozen=True)
class StaffSpec:
    """A fixed demo login. `coops` empty means: every seeded coop."""

    key: str
    email: str
    first_name: str
    last_name: str
    description: str
    kind: str  # admin | coordinator | servicedesk | board | member | business
    coops: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "admin",
        "admin@example.org",
        "Wim",
        "Beheer",
        "Superuser (Django admin)",
        "admin",
        is_staff=True,
        is_superuser=True,
    ),
    StaffSpec(
        "servicedesk",
        "servicedesk@example.org",
        "Samira",
        "Ouali",
        "Service-centre coordinator (all coops)",
        "servicedesk",
        is_staff=True,
    ),
    StaffSpec(
        "coordinator-kanaleneiland",
        "coordinator@kanaleneiland.example.org",
        "Ingrid",
        "Smit",
        "Coordinator Kanaleneiland",
        "coordinator",
        ("kanaleneiland",),
        is_staff=True,
    ),
    StaffSpec(
        "coordinator-lunetten",
        "coordinator@lunetten.example.org",
        "Petra",
        "Visser",
        "Coordinator Lunetten",
        "coordinator",
        ("lunetten",),
        is_staff=True,
    ),
    StaffSpec(
        "board1-kanaleneiland",
        "board1@kanaleneiland.example.org",
        "Ahmed",
        "Bouzid",
        "Board member Kanaleneiland",
        "board",
        ("kanaleneiland",),
    ),
    StaffSpec(
        "board2-kanaleneiland",
        "board2@kanaleneiland.example.org",
        "Hatice",
        "Yılmaz",
        "Board member Kanaleneiland (second pair of eyes)",
        "board",
        ("kanaleneiland",),
    ),
    StaffSpec(
        "board1-lunetten",
        "board1@lunetten.example.org",
        "Marieke",
        "de Boer",
        "Board member Lunetten",
        "board",
        ("lunetten",),
    ),
    StaffSpec(
        "board2-lunetten",
        "board2@lunetten.example.org",
        "Tomasz",
        "Nowak",
        "Board member Lunetten (second pair of eyes)",
        "board",
        ("lunetten",),
    ),
    StaffSpec(
        "member",
        "member@kanaleneiland.example.org",
        "Fatima",
        "El Amrani",
        "Member Kanaleneiland (active, complete profile, consent for assisted mode)",
        "member",
        ("kanaleneiland",),
    ),
    StaffSpec(
        "business",
        "business@kanaleneiland.example.org",
        "Kees",
        "Bakker",
        "Business contact, Bakkerij De Kanaalbakker (hours to approve)",
        "business",
        ("kanaleneiland",),
    ),
)
