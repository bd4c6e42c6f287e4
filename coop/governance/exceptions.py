from django.core.exceptions import ValidationError


class GovernanceError(ValidationError):
    """A proposal, vote, proxy or meeting record that cannot be accepted (the message says why)."""


class NotAllowedToVote(GovernanceError):
    """The person is not in the electorate, not (any longer) a member, or has no proxy."""


class VoteClosed(GovernanceError):
    """The vote is not open (not yet, or any more)."""


class FourEyesViolation(GovernanceError):
    """The same person tried to record and to confirm a general-meeting decision."""
