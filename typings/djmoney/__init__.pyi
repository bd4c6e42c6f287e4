# Local stubs for djmoney (see models/fields.pyi); money.pyi is djmoney's own, copied unchanged.
