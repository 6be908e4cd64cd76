from django.db import migrations


class Migration(migrations.Migration):
    """Add-on edits now point at a DataRelease; the table is rebuilt and `medcode load-data` reloads it."""

    dependencies = [("reference", "0001_initial")]

    operations = [migrations.DeleteModel(name="AddonEdit")]
