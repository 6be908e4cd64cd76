from django.db import models


class AddonEdit(models.Model):
    """One NCCI add-on code edit: an add-on code and one primary it may be reported with.

    Edit types (CMS): 1 = only with the listed primaries; 2 = no primary list,
    contractors define them; 3 = listed primaries, contractors may add others.
    """

    CONTRACTOR_DEFINED = "CCCCC"
    TYPE_MEANINGS = {
        1: "Report only with the listed primary codes",
        2: "No primary list from CMS: the Medicare contractor defines the primaries",
        3: "Listed primary codes; the Medicare contractor may allow others",
    }

    release = models.CharField(max_length=16, help_text="e.g. 2026Q2")
    edit_type = models.PositiveSmallIntegerField()
    addon_code = models.CharField(max_length=5, db_index=True)
    addon_deleted = models.DateField(null=True, blank=True)
    primary_code = models.CharField(max_length=5, db_index=True)
    primary_deleted = models.DateField(null=True, blank=True)
    effective_date = models.DateField()
    deletion_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["addon_code", "edit_type", "primary_code", "effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "addon_code", "primary_code", "edit_type", "effective_date"],
                name="unique_addon_edit",
            ),
        ]

    def __str__(self):
        return f"{self.addon_code} with {self.primary_code} (type {self.edit_type})"

    @property
    def type_meaning(self):
        return self.TYPE_MEANINGS.get(self.edit_type, "")

    def active_on(self, day):
        return self.effective_date <= day and (self.deletion_date is None or day <= self.deletion_date)
