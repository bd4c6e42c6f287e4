# Every rule version after the founding one now points at the decision that adopted it.
# Versions made before this (typed in the admin as "vote" or "general meeting") get a record of
# their own, labelled plainly as recorded before decisions were kept here: nothing is invented.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_legacy_versions(apps, schema_editor):
    RuleVersion = apps.get_model("rulebook", "RuleVersion")
    Proposal = apps.get_model("governance", "Proposal")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    legacy = RuleVersion.objects.exclude(source="founding").filter(proposal__isnull=True).order_by("coop_id", "number")
    for version in legacy:
        creator = version.created_by_id or (
            User.objects.filter(is_superuser=True).order_by("pk").values_list("pk", flat=True).first()
        )
        if creator is None:
            raise RuntimeError(
                f"Rule version {version.number} of coop {version.coop_id} has no decision and no author; "
                "create a superuser first (manage.py createsuperuser), then migrate again."
            )
        before = RuleVersion.objects.filter(coop_id=version.coop_id, number__lt=version.number).order_by("-number")
        last = Proposal.objects.filter(coop_id=version.coop_id).order_by("-number").values_list("number", flat=True)
        proposal = Proposal.objects.create(
            coop_id=version.coop_id,
            number=(last.first() or 0) + 1,
            kind="rule_change",
            channel="vote" if version.source == "vote" else "general_meeting",
            body="members",
            status="passed",
            title=f"Rule version {version.number} (recorded before decisions were kept in Wijkwerk)",
            summary=version.note or "Recorded before decisions were kept in Wijkwerk.",
            created_by_id=creator,
            rule_changes={},
            effective_from=version.effective_from,
            rules_version_id=(before.first() or version).pk,
            closed_at=version.created_at,
        )
        RuleVersion.objects.filter(pk=version.pk).update(proposal=proposal)


class Migration(migrations.Migration):

    dependencies = [
        ('coop', '0002_initial'),
        ('governance', '0001_initial'),
        ('rulebook', '0002_legal_tables'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='ruleversion',
            options={'ordering': ['coop', '-number'], 'verbose_name': 'rule version', 'verbose_name_plural': 'rule versions'},
        ),
        migrations.AddField(
            model_name='ruleversion',
            name='proposal',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rule_versions', to='governance.proposal', verbose_name='decision'),
        ),
        migrations.RunPython(link_legacy_versions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='ruleversion',
            constraint=models.CheckConstraint(condition=models.Q(('source', 'founding'), ('proposal__isnull', False), _connector='OR'), name='rule_version_decided'),
        ),
    ]
