"""Errors of the books: each carries a translated message fit for a page."""


class LedgerError(Exception):
    """A posting was refused; nothing was written."""


class UnbalancedTransaction(LedgerError):
    """The legs of a posting do not balance, or a leg is empty, zero or negative."""
