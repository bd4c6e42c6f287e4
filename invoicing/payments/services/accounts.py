"""The ledger accounts a payment posts to, opened on first use."""

from __future__ import annotations

from collections.abc import Callable

from coop.ledger.models import Account, party_key_for
from coop.ledger.services import account_get_or_create_many
from coop.models import Cooperative


def accounts_for(
    coop: Cooperative, wanted: list[tuple[str, int | None]], *, business_name: Callable[[], str] = str
) -> dict[tuple[str, int | None], Account]:
    """The coop's accounts for (code, business_id) pairs, keyed so; one query when they all exist.

    `business_name` names a per-business account only when it has to be opened (it may cost a query).
    """
    parties = {party_key_for(business_id, None): business_id for _code, business_id in wanted}
    found = {
        (a.code, parties[a.party_key]): a
        for a in Account.objects.filter(coop=coop, code__in={code for code, _b in wanted}, party_key__in=set(parties))
        if (a.code, parties[a.party_key]) in wanted
    }
    missing = [key for key in wanted if key not in found]
    if missing:
        opened = account_get_or_create_many(
            coop=coop,
            wanted=[(code, business_id, None, business_name() if business_id else "") for code, business_id in missing],
        )
        found.update({(code, business_id): opened[(code, business_id, None)] for code, business_id in missing})
    return found


def account_for(coop: Cooperative, code: str) -> Account:
    """One of the coop's own accounts (not per party)."""
    return accounts_for(coop, [(code, None)])[(code, None)]
