# Local stub: djmoney's MoneyField subclasses DecimalField, so django-stubs types it as
# "set Decimal, get Decimal". It really sets and gets Money. This file only fixes that typing.
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Field
from django.db.models.expressions import Combinable
from djmoney.money import Money

_ST = TypeVar("_ST", contravariant=True)
_GT = TypeVar("_GT", covariant=True)

class MoneyField(Field[_ST, _GT]):
    # The django-stubs mypy plugin reads these two to type model __init__ and attribute access.
    _pyi_private_set_type: Money | Decimal | int | str | Combinable
    _pyi_private_get_type: Money
    def __init__(
        self,
        verbose_name: str | Any | None = ...,
        name: str | None = ...,
        max_digits: int | None = ...,
        decimal_places: int = ...,
        default: Any = ...,
        default_currency: str | None = ...,
        currency_choices: Any = ...,
        currency_max_length: int = ...,
        currency_field_name: str | None = ...,
        money_descriptor_class: Any = ...,
        **kwargs: Any,
    ) -> None: ...

class CurrencyField(Field[str, str]):
    def __init__(self, price_field: Any = ..., default: Any = ..., **kwargs: Any) -> None: ...

class MoneyFieldProxy:
    def __init__(self, field: MoneyField) -> None: ...

def get_currency_field_name(name: str, field: Any = ...) -> str: ...
