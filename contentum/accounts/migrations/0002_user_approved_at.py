import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def approve_existing_accounts(apps, schema_editor):
    """Accounts made before approvals existed were approved when they joined."""
    User = apps.get_model("accounts", "User")
    User.objects.update(approved_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="approved_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                default=django.utils.timezone.now,
                null=True,
                verbose_name="подтверждён",
            ),
        ),
        migrations.RunPython(approve_existing_accounts, migrations.RunPython.noop, elidable=True),
    ]
