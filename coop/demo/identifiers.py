"""Made-up but well-formed Dutch identifiers for demo data: KvK, VAT id, IBAN, postcode, phone.

All generators take the seeded `random.Random`, so the same seed gives the same numbers.
VAT ids use the RSIN form NL + 9 digits (eleven-test) + B + 2 digits, which `stdnum.nl.btw`
accepts; IBANs are built by schwifty from a bank code and a 10-digit account number that passes
the old Dutch eleven-test (as real pre-IBAN bank accounts did, except the old Postbank numbers
that ING still carries).
"""

from __future__ import annotations

import random

from schwifty import IBAN

# Letters PostNL uses in postcodes (no F, I, O, Q, U, Y); SA, SD and SS are never issued.
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_BANNED_PAIRS = {"SA", "SD", "SS"}

# Bank codes of Dutch banks with their share among residents, roughly.
BANKS = (
    ("INGB", 0.34),
    ("RABO", 0.26),
    ("ABNA", 0.2),
    ("SNSB", 0.07),
    ("ASNB", 0.04),
    ("BUNQ", 0.05),
    ("TRIO", 0.02),
    ("KNAB", 0.02),
)


def postcode_in(rng: random.Random, area: str) -> str:
    """A 6-character postcode (e.g. 3526KL) inside a 4-digit area."""
    while True:
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        if letters not in _BANNED_PAIRS:
            return f"{area}{letters}"


def house_number(rng: random.Random) -> str:
    number = rng.randint(1, 260)
    roll = rng.random()
    if roll < 0.12:
        return f"{number}{rng.choice('ABC')}"
    if roll < 0.3:
        return f"{number}-{rng.randint(1, 4)}"  # a floor in a portiekflat
    return str(number)


def mobile_number(rng: random.Random) -> str:
    """A Dutch mobile number in the stored form (members.validators.phone_clean): +316xxxxxxxx."""
    return f"+316{rng.randint(10_000_000, 69_999_999)}"


def utrecht_landline(rng: random.Random) -> str:
    """A Utrecht (030) landline number in the stored form: +3130xxxxxxx."""
    return f"+3130{rng.randint(2_000_000, 8_999_999)}"


def _eleven_check_digit(digits: str, first_weight: int) -> int:
    """The last digit that makes the weighted sum pass the eleven-test (10 means: none exists)."""
    total = sum(int(d) * (first_weight - i) for i, d in enumerate(digits))
    return total % 11


class IdentifierBook:
    """Hands out unique identifiers per kind for one seeding run."""

    def __init__(self, rng: random.Random, taken_kvk: set[str] | None = None) -> None:
        self.rng = rng
        self._kvk: set[str] = set(taken_kvk or ())
        self._vat: set[str] = set()
        self._accounts: set[str] = set()

    def kvk_number(self) -> str:
        """A unique 8-digit KvK number (numbers issued since 2016 carry no check digit)."""
        while True:
            number = str(self.rng.randint(50_000_000, 99_999_999))
            if number not in self._kvk:
                self._kvk.add(number)
                return number

    def vat_id(self) -> str:
        """A unique VAT id NL123456782B01 whose 9 digits pass the eleven-test (an RSIN)."""
        while True:
            body = str(self.rng.randint(10_000_000, 99_999_999))
            # RSIN/BSN: 9*d1 + 8*d2 + ... + 2*d8 - d9 must be divisible by 11.
            check = _eleven_check_digit(body, 9)
            if check == 10:
                continue
            vat = f"NL{body}{check}B{'01' if self.rng.random() < 0.9 else '02'}"
            if vat not in self._vat:
                self._vat.add(vat)
                return vat

    def iban(self) -> str:
        """A unique, checksum-valid Dutch IBAN at a bank picked by market share."""
        bank = self.rng.choices([b for b, _ in BANKS], weights=[w for _, w in BANKS], k=1)[0]
        while True:
            if bank == "INGB" and self.rng.random() < 0.5:
                # An old Postbank giro number: up to 7 digits, no eleven-test.
                account = str(self.rng.randint(100_000, 9_999_999)).zfill(10)
            else:
                body = str(self.rng.randint(100_000_000, 999_999_999))
                # 10*d1 + 9*d2 + ... + 1*d10 must be divisible by 11.
                check = (-sum(int(d) * (10 - i) for i, d in enumerate(body))) % 11
                if check == 10:
                    continue
                account = f"{body}{check}"
            key = f"{bank}{account}"
            if key not in self._accounts:
                self._accounts.add(key)
                return str(IBAN.generate("NL", bank_code=bank, account_code=account))
