"""Two new membership rules (paying the share from wages; the term before a share refund) for every
version that exists already, at the founding defaults (defaults.json), so each version stays complete."""

import json
from pathlib import Path

from django.db import migrations

NEW_KEYS = ("share_wage_deduction_allowed", "share_refund_term_months")


def add_share_rules(apps, schema_editor):
    RuleVersion = apps.get_model("rulebook", "RuleVersion")
    RuleValue = apps.get_model("rulebook", "RuleValue")
    defaults = json.loads(Path(__file__).resolve().parent.parent.joinpath("defaults.json").read_text())
    for version in RuleVersion.objects.order_by("pk"):
        have = set(RuleValue.objects.filter(version=version).values_list("key", flat=True))
        RuleValue.objects.bulk_create(
            [RuleValue(version=version, key=key, value=defaults[key]) for key in NEW_KEYS if key not in have]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("rulebook", "0004_input_limits"),
    ]

    operations = [migrations.RunPython(add_share_rules, migrations.RunPython.noop)]
