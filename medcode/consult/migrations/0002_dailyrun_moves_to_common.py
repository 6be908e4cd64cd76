from django.db import migrations


class Migration(migrations.Migration):
    """DailyRun now belongs to medcode.common (the shared base); its table stays."""

    dependencies = [
        ("consult", "0001_initial"),
        ("common", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DailyRun")],
            database_operations=[],
        ),
    ]
