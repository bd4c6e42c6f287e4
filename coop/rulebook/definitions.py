"""The typed definitions of every rule: key, kind, unit, bounds, Dutch/English label and help.

A definition says what a rule *is*; the values members vote on live in `RuleVersion` rows.
The first version's values come from `defaults.json` (data, not code), copied when a coop is
created. Bounds are the sanity range a value must stay in; law (minimum wage, VAT) is checked
separately against the dated legal tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind:
    MONEY = "money"
    MONEY_BY_CATEGORY = "money_by_category"
    PERCENT = "percent"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    INTEGER_LIST = "integer_list"


@dataclass(frozen=True)
class RuleDefinition:
    key: str
    kind: str
    label: str | Promise
    help: str | Promise
    group: str | Promise
    unit: str | Promise = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[tuple[str, str | Promise], ...] = field(default_factory=tuple)

    def parse(self, raw: Any) -> Any:
        """Turn a stored (JSON) value into its Python type; raises ValidationError if it is not valid."""
        try:
            if self.kind in (Kind.MONEY, Kind.PERCENT, Kind.DECIMAL):
                value = Decimal(str(raw))
                self._check_bounds(value)
                return value
            if self.kind == Kind.MONEY_BY_CATEGORY:
                if not isinstance(raw, dict) or "default" not in raw:
                    raise ValidationError(_("Give at least a default amount."))
                parsed = {str(k): Decimal(str(v)) for k, v in raw.items()}
                for value in parsed.values():
                    self._check_bounds(value)
                return parsed
            if self.kind == Kind.INTEGER:
                if isinstance(raw, bool) or Decimal(str(raw)) != int(Decimal(str(raw))):
                    raise ValidationError(_("Enter a whole number."))
                int_value = int(Decimal(str(raw)))
                self._check_bounds(Decimal(int_value))
                return int_value
            if self.kind == Kind.INTEGER_LIST:
                items = raw if isinstance(raw, list) else [p for p in str(raw).split(",") if p.strip()]
                ints = [int(str(p).strip()) for p in items]
                for item in ints:
                    self._check_bounds(Decimal(item))
                return ints
            if self.kind == Kind.BOOLEAN:
                if isinstance(raw, bool):
                    return raw
                if str(raw).lower() in ("true", "1", "yes", "on"):
                    return True
                if str(raw).lower() in ("false", "0", "no", "off", ""):
                    return False
                raise ValidationError(_("Choose yes or no."))
            if self.kind == Kind.CHOICE:
                if str(raw) not in {c for c, _label in self.choices}:
                    raise ValidationError(_("Choose one of the options."))
                return str(raw)
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise ValidationError(_("This is not a valid value for %(rule)s.") % {"rule": self.label}) from exc
        raise ValidationError(f"Unknown rule kind {self.kind}")

    def serialize(self, value: Any) -> Any:
        """The JSON form of a parsed value (Decimals as strings, so no float ever touches money)."""
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {k: str(v) for k, v in value.items()}
        return value

    def _check_bounds(self, value: Decimal) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("%(rule)s must be at least %(min)s.") % {"rule": self.label, "min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("%(rule)s must be at most %(max)s.") % {"rule": self.label, "max": self.maximum})


D = Decimal
G_WORK = _("Work and wages")
G_MONEY = _("Money and invoices")
G_MATCH = _("Who gets work first")
G_VOTE = _("Voting and the fund")
G_MEMBERS = _("Membership")

RULES: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        "membership_share_capital",
        Kind.MONEY,
        _("Share capital per member"),
        _("What a new member pays in once to own a share of the coop."),
        G_MEMBERS,
        "EUR",
        D(0),
        D(1000),
    ),
    RuleDefinition(
        "share_wage_deduction_allowed",
        Kind.BOOLEAN,
        _("Pay the share from the first wages"),
        _("If yes, a new member who agrees may pay their share capital from their first wages."),
        G_MEMBERS,
    ),
    RuleDefinition(
        "share_refund_term_months",
        Kind.INTEGER,
        _("Share refund after leaving"),
        _(
            "A member who leaves gets their share capital back after this many months. "
            "The board decides on each refund."
        ),
        G_MEMBERS,
        _("months"),
        D(0),
        D(60),
    ),
    RuleDefinition(
        "member_wage_hourly",
        Kind.MONEY_BY_CATEGORY,
        _("Member wage per hour"),
        _("Gross hourly wage per job category. Never below the statutory minimum wage."),
        G_WORK,
        "EUR",
        D(0),
        D(200),
    ),
    RuleDefinition(
        "employer_cost_percent",
        Kind.PERCENT,
        _("Employer costs"),
        _("Holiday pay, insurance and taxes on top of the wage, as a percentage of the wage."),
        G_WORK,
        "%",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "minimum_margin_percent",
        Kind.PERCENT,
        _("Minimum margin"),
        _("The least the client rate must be above wage plus employer costs, as a percentage of those costs."),
        G_MONEY,
        "%",
        D(0),
        D(200),
    ),
    RuleDefinition(
        "fund_share_percent",
        Kind.PERCENT,
        _("Neighbourhood fund share"),
        _("Part of every margin that goes to the neighbourhood fund."),
        G_MONEY,
        "%",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "max_hours_per_week",
        Kind.INTEGER,
        _("Maximum hours per member per week"),
        _("A member is not offered work beyond this many hours in one week."),
        G_WORK,
        _("hours"),
        D(1),
        D(60),
    ),
    RuleDefinition(
        "offer_expiry_hours",
        Kind.INTEGER,
        _("Time to answer an offer"),
        _("An offer expires after this many hours and goes to the next member."),
        G_WORK,
        _("hours"),
        D(1),
        D(336),
    ),
    RuleDefinition(
        "hours_silent_approval_days",
        Kind.INTEGER,
        _("Days until hours are approved"),
        _("Hours the client does not handle within this many days are approved."),
        G_WORK,
        _("days"),
        D(1),
        D(60),
    ),
    RuleDefinition(
        "hours_tolerance_minutes",
        Kind.INTEGER,
        _("Extra time allowed on a shift"),
        _("Registered hours may be this many minutes longer than the shift."),
        G_WORK,
        _("minutes"),
        D(0),
        D(240),
    ),
    RuleDefinition(
        "matching_weight_neighbourhood",
        Kind.DECIMAL,
        _("Weight: lives in the neighbourhood"),
        _("How much living in the neighbourhood counts when work is shared out."),
        G_MATCH,
        "",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "matching_weight_fairness",
        Kind.DECIMAL,
        _("Weight: fewest hours against target"),
        _("How much it counts that a member has had fewer hours than they want."),
        G_MATCH,
        "",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "matching_weight_waiting",
        Kind.DECIMAL,
        _("Weight: waiting time"),
        _("How much it counts how long a member has waited since their last job."),
        G_MATCH,
        "",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "matching_weight_continuity",
        Kind.DECIMAL,
        _("Weight: the client asked for this member"),
        _("How much it counts that the client would like this member back."),
        G_MATCH,
        "",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "matching_weight_language",
        Kind.DECIMAL,
        _("Weight: speaks the job's language"),
        _("How much it counts that the member speaks the language the job needs."),
        G_MATCH,
        "",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "matching_allow_neighbouring_coops",
        Kind.BOOLEAN,
        _("Offer work to members of neighbouring coops"),
        _("If yes, members of other coops in this installation may be offered this coop's jobs."),
        G_MATCH,
    ),
    RuleDefinition(
        "matching_neighbourhood_only",
        Kind.BOOLEAN,
        _("Only members living in the neighbourhood"),
        _("If yes, only members with a postcode in the neighbourhood are offered work."),
        G_MATCH,
    ),
    RuleDefinition(
        "invoice_period",
        Kind.CHOICE,
        _("Invoice period"),
        _("How often clients get an invoice."),
        G_MONEY,
        choices=(("weekly", _("Weekly")), ("monthly", _("Monthly"))),
    ),
    RuleDefinition(
        "payment_term_days",
        Kind.INTEGER,
        _("Payment term"),
        _("Days a client has to pay an invoice."),
        G_MONEY,
        _("days"),
        D(1),
        D(90),
    ),
    RuleDefinition(
        "reminder_days",
        Kind.INTEGER_LIST,
        _("Reminders after due date"),
        _("Days after the due date on which a reminder is sent."),
        G_MONEY,
        _("days"),
        D(1),
        D(365),
    ),
    RuleDefinition(
        "quorum_percent_rule_change",
        Kind.PERCENT,
        _("Quorum for a rule change"),
        _("Share of the members who may vote that must take part (blank votes count) for a rule change."),
        G_VOTE,
        "%",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "pass_percent_rule_change",
        Kind.PERCENT,
        _("Votes needed for a rule change"),
        _("A rule changes when MORE than this share of the votes for and against is in favour."),
        G_VOTE,
        "%",
        D(50),
        D(100),
    ),
    RuleDefinition(
        "quorum_percent_fund_payout",
        Kind.PERCENT,
        _("Quorum for spending the fund"),
        _("Share of the members who may vote that must take part (blank votes count) for a fund payout."),
        G_VOTE,
        "%",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "pass_percent_fund_payout",
        Kind.PERCENT,
        _("Votes needed to spend the fund"),
        _("Money is spent when MORE than this share of the votes for and against is in favour."),
        G_VOTE,
        "%",
        D(50),
        D(100),
    ),
    RuleDefinition(
        "quorum_percent_motion",
        Kind.PERCENT,
        _("Quorum for a motion"),
        _("Share of the members who may vote that must take part (blank votes count) for a motion."),
        G_VOTE,
        "%",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "pass_percent_motion",
        Kind.PERCENT,
        _("Votes needed for a motion"),
        _("A motion is adopted when MORE than this share of the votes for and against is in favour."),
        G_VOTE,
        "%",
        D(50),
        D(100),
    ),
    RuleDefinition(
        "quorum_percent_board",
        Kind.PERCENT,
        _("Quorum of the board or committee"),
        _("Share of the board (or committee) members that must take part when they decide on a payout."),
        G_VOTE,
        "%",
        D(0),
        D(100),
    ),
    RuleDefinition(
        "proposal_signatures_needed",
        Kind.INTEGER,
        _("Support needed before a vote"),
        _("How many other members must support a member's proposal before the vote opens (0: none)."),
        G_VOTE,
        _("members"),
        D(0),
        D(1000),
    ),
    RuleDefinition(
        "rule_change_max_days_ahead",
        Kind.INTEGER,
        _("Latest start of a rule change"),
        _("A rule change can start at most this many days after the decision."),
        G_VOTE,
        _("days"),
        D(1),
        D(1096),
    ),
    RuleDefinition(
        "vote_reminder_hours",
        Kind.INTEGER,
        _("Reminder before a vote closes"),
        _("Members who have not voted get a reminder this many hours before the vote closes."),
        G_VOTE,
        _("hours"),
        D(1),
        D(336),
    ),
    RuleDefinition(
        "board_payout_limit",
        Kind.MONEY,
        _("Board payout limit"),
        _("The board may pay out up to this amount from the fund without a member vote."),
        G_VOTE,
        "EUR",
        D(0),
        D(100000),
    ),
    RuleDefinition(
        "committee_payout_limit",
        Kind.MONEY,
        _("Committee drawn by lot: payout limit"),
        _("Fund payouts up to this amount are decided by the committee drawn by lot (0: there is no committee)."),
        G_VOTE,
        "EUR",
        D(0),
        D(100000),
    ),
    RuleDefinition(
        "committee_size",
        Kind.INTEGER,
        _("Committee drawn by lot: size"),
        _("How many members are drawn by lot for the neighbourhood committee."),
        G_VOTE,
        _("members"),
        D(3),
        D(25),
    ),
    RuleDefinition(
        "committee_term_months",
        Kind.INTEGER,
        _("Committee drawn by lot: term"),
        _("How many months a committee drawn by lot serves."),
        G_VOTE,
        _("months"),
        D(1),
        D(48),
    ),
    RuleDefinition(
        "vote_duration_days",
        Kind.INTEGER,
        _("Voting period"),
        _("How many days a vote stays open."),
        G_VOTE,
        _("days"),
        D(1),
        D(60),
    ),
    RuleDefinition(
        "proxies_per_member",
        Kind.INTEGER,
        _("Proxies per member"),
        _("How many other members one member may vote for."),
        G_VOTE,
        "",
        D(0),
        D(10),
    ),
)

RULES_BY_KEY: dict[str, RuleDefinition] = {rule.key: rule for rule in RULES}


def rule_definition(key: str) -> RuleDefinition:
    """The definition of one rule; raises KeyError for an unknown key."""
    return RULES_BY_KEY[key]
