"""What the seeding steps share: the seeded random source, the dates, the coops and the batches."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from coop.demo.identifiers import IdentifierBook
from coop.demo.neighbourhoods import NeighbourhoodSpec
from coop.demo.people import EmailBook, PersonFactory
from coop.models import AuditEvent, Cooperative
from members.models import Skill, User

# Rows per INSERT; SQLite's variable limit and PostgreSQL's packet size are both happy with this.
BATCH = 500


@dataclass
class SeedContext:
    rng: random.Random
    seed: int
    today: dt.date
    now: dt.datetime
    founded_on: dt.date
    specs: list[NeighbourhoodSpec]
    password_hash: str
    people: PersonFactory
    emails: EmailBook
    ids: IdentifierBook
    coops: dict[str, Cooperative] = field(default_factory=dict)
    # Parsed rulebook values of each coop's founding version (see coop.rulebook.selectors.rule_values).
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    staff: dict[str, User] = field(default_factory=dict)
    audit_rows: list[AuditEvent] = field(default_factory=list)

    def spec_for(self, slug: str) -> NeighbourhoodSpec:
        return next(s for s in self.specs if s.slug == slug)

    def pick_coop_slug(self) -> str:
        return self.rng.choices([s.slug for s in self.specs], weights=[s.weight for s in self.specs], k=1)[0]

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        """An aware datetime in the site's time zone."""
        return dt.datetime.combine(day, time, tzinfo=self.now.tzinfo)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A random moment in [start, end] (whole minutes)."""
        minutes = max(int((end - start).total_seconds() // 60), 0)
        return start + dt.timedelta(minutes=self.rng.randint(0, minutes))

    def audit(self, *, action: str, subject: models.Model, coop: Cooperative | None, data: dict[str, Any]) -> None:
        """Queue one audit row (written in bulk at the end); the actor is the system: the seeder."""
        self.audit_rows.append(
            AuditEvent(
                coop=coop,
                actor=None,
                action=action,
                subject_type=ContentType.objects.get_for_model(subject),
                subject_id=str(subject.pk),
                subject_repr=str(subject)[:200],
                data={"source": "seed_demo", **data},
            )
        )


def money_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())
