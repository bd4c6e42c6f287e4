from django.core.exceptions import ValidationError


class RulebookError(ValidationError):
    """A rule value or version that cannot be used (out of bounds, below the law, missing)."""


class NoRuleVersion(RulebookError):
    """The coop has no rule version in force on that date."""
