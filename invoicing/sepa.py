"""The only module that imports `sepaxml`: SEPA credit-transfer files (pain.001.001.03) for payouts.

The debtor is the COOP (its own name, IBAN and BIC): each coop is its own legal body with its own
bank account. sepaxml validates the XML against the pain.001.001.03 schema it ships (the same
file as the ISO 20022 original) when exporting; an invalid file raises, it is never stored.

The group header's MsgId is the caller's id for the batch, not sepaxml's random one: the bank
reports on a file by that id, and the office must find the batch from it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

SCHEMA = "pain.001.001.03"
# MsgId is Max35Text in the schema; SEPA (EPC) allows only these characters in identifiers.
MESSAGE_ID = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")


class SepaError(Exception):
    """A SEPA file could not be built (invalid IBAN, schema error)."""


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    bic: str
    amount_cents: int
    description: str
    end_to_end_id: str


def iban_normalize(value: str) -> str:
    """The compact IBAN if it is valid (checksum, length, country). Raises SepaError."""
    try:
        return str(IBAN(value).compact)
    except (SchwiftyException, ValueError) as exc:
        raise SepaError(str(exc)) from exc


def bic_for_iban(iban: str) -> str:
    """The BIC schwifty knows for an IBAN's bank, or ''."""
    try:
        bic = IBAN(iban).bic
    except (SchwiftyException, ValueError):
        return ""
    return str(bic) if bic else ""


class _Transfer(SepaTransfer):  # type: ignore[misc]
    """sepaxml's transfer with our own MsgId (sepaxml draws a random one and writes the header in __init__)."""

    def __init__(self, config: dict[str, object], *, message_id: str) -> None:
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()


def credit_transfer_xml(
    *, debtor: Debtor, transfers: list[Transfer], execution_date: dt.date, message_id: str
) -> bytes:
    """A pain.001.001.03 document paying every transfer from the debtor's account, schema-validated.

    `message_id` becomes the file's MsgId as given (at most 35 SEPA characters, unique per batch).
    Raises SepaError.
    """
    if not transfers:
        raise SepaError("A SEPA file needs at least one transfer")
    if not MESSAGE_ID.fullmatch(message_id) or message_id.strip() != message_id:
        raise SepaError(f"A SEPA message id has 1 to 35 letters, digits or - / ? : ( ) . , ' +; got {message_id!r}")
    config = {
        "name": debtor.name[:70],
        "IBAN": iban_normalize(debtor.iban),
        "BIC": debtor.bic or bic_for_iban(debtor.iban),
        "batch": True,
        "currency": "EUR",
    }
    try:
        sepa = _Transfer(config, message_id=message_id)
        for transfer in transfers:
            payment = {
                "name": transfer.name[:70],
                "IBAN": iban_normalize(transfer.iban),
                "amount": transfer.amount_cents,
                "execution_date": execution_date,
                "description": transfer.description[:140],
                "endtoend_id": transfer.end_to_end_id[:35],
            }
            bic = transfer.bic or bic_for_iban(transfer.iban)
            if bic:
                payment["BIC"] = bic
            sepa.add_payment(payment)
        return bytes(sepa.export(validate=True, pretty_print=True))
    except SepaError:
        raise
    except Exception as exc:  # sepaxml raises bare Exceptions and lxml errors on invalid input
        raise SepaError(str(exc)) from exc
