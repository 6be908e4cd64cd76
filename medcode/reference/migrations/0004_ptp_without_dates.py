# PTP edits copied without effective dates or the pre-1996 mark keep those unknown (null), and the
# dozen CMS rationale wordings move to their own table, rows already loaded keeping theirs.

import django.db.models.deletion
from django.db import migrations, models


def move_rationales(apps, schema_editor):
    PtpEdit = apps.get_model("reference", "PtpEdit")
    PtpRationale = apps.get_model("reference", "PtpRationale")
    for text in PtpEdit.objects.values_list("rationale", flat=True).distinct():
        rationale, _ = PtpRationale.objects.get_or_create(text=text)
        PtpEdit.objects.filter(rationale=text).update(rationale_ref=rationale)


class Migration(migrations.Migration):

    dependencies = [
        ("reference", "0003_reference_files"),
    ]

    operations = [
        migrations.CreateModel(
            name="PtpRationale",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(max_length=200, unique=True)),
            ],
        ),
        migrations.AlterField(
            model_name="ptpedit",
            name="effective_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="ptpedit",
            name="prior_1996",
            field=models.BooleanField(default=False, null=True),
        ),
        migrations.AddField(
            model_name="ptpedit",
            name="rationale_ref",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="reference.ptprationale"),
        ),
        migrations.RunPython(move_rationales, migrations.RunPython.noop),
        migrations.RemoveField(model_name="ptpedit", name="rationale"),
        migrations.RenameField(model_name="ptpedit", old_name="rationale_ref", new_name="rationale"),
        migrations.AlterField(
            model_name="ptpedit",
            name="rationale",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="reference.ptprationale"),
        ),
        migrations.AlterField(
            model_name="ptpedit",
            name="release",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="reference.datarelease"),
        ),
    ]
