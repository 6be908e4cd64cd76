from django.db import migrations, models


class Migration(migrations.Migration):
    """DailyRun moved here from CaseConsultant: the table consult 0001 made is kept as it is, so this
    migration only tells Django's state where the model now lives (hence the dependency)."""

    initial = True

    dependencies = [
        ("consult", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("job", models.CharField(max_length=40)),
                        ("day", models.DateField()),
                    ],
                    options={
                        "db_table": "consult_dailyrun",
                        "constraints": [models.UniqueConstraint(fields=("job", "day"), name="dailyrun_job_day")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
