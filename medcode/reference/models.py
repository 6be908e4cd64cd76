"""CMS reference files, one release at a time.

Every row belongs to a DataRelease (one imported file: its kind, release,
effective date and checksum). A new release adds rows and keeps the old ones,
so a page answers for any date of service and two releases can be compared.
"""

import re

from django.db import models

EVALUATION_AND_MANAGEMENT = re.compile(r"99(2\d\d|3\d\d|4\d\d)")  # 99202-99499
# The modifiers that may bypass an indicator-1 PTP edit, by what column 2 is.
E_M_BYPASS = "25 (or 57 for the decision for major surgery)"
PROCEDURE_BYPASS = "59, XE, XP, XS, XU, an anatomic modifier or another NCCI-associated one (24, 27, 58, 78, 79, 91)"


def bypass_modifiers(column2):
    """In words, the modifiers on column 2 that may bypass an indicator-1 edit."""
    return E_M_BYPASS if EVALUATION_AND_MANAGEMENT.fullmatch(column2) else PROCEDURE_BYPASS


class CompleteReleases(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(complete=True)


class DataRelease(models.Model):
    """One imported file. A release being written is not `complete`: readers never see it."""

    class Kind(models.TextChoices):
        PTP_PRACTITIONER = "ptp-practitioner", "NCCI PTP edits, practitioner"
        PTP_HOSPITAL = "ptp-hospital", "NCCI PTP edits, outpatient hospital"
        MUE_PRACTITIONER = "mue-practitioner", "MUE, practitioner services"
        MUE_HOSPITAL = "mue-hospital", "MUE, outpatient hospital services"
        MUE_DME = "mue-dme", "MUE, DME supplier services"
        ADDON = "addon", "NCCI add-on code edits"
        RVU = "rvu", "Physician Fee Schedule relative values"
        GPCI = "gpci", "Geographic practice cost indices (localities)"
        MODIFIERS = "modifiers", "HCPCS Level II modifiers"
        COVERAGE_INDEX = "coverage-index", "Medicare coverage documents (LCDs and articles)"
        COVERAGE_CODES = "coverage-codes", "Medicare coverage article code lists"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    label = models.CharField(max_length=32, help_text="the release as CMS names it: 2026Q2, RVU26C, 2025-08-16")
    effective_date = models.DateField()
    source = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now=True)

    objects = CompleteReleases()
    every = models.Manager()  # with the releases still being written

    class Meta:
        ordering = ["kind", "effective_date", "label"]
        base_manager_name = "every"
        constraints = [models.UniqueConstraint(fields=["kind", "label"], condition=models.Q(complete=True),
                                               name="unique_data_release")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label}"


class DatedQuerySet(models.QuerySet):
    def active_on(self, day):
        """In force on day: effective by then and not deleted before it (CMS's deletion date is the
        edit's last day). An edit without an effective date (a release copied without that column)
        is taken as in force until its deletion date."""
        started = models.Q(effective_date__lte=day) | models.Q(effective_date__isnull=True)
        return self.filter(started).exclude(deletion_date__lt=day)

    def deleted_before(self, day):
        return self.filter(deletion_date__lt=day)


class DatedEdit(models.Model):
    """An NCCI edit (add-on or PTP) with the dates CMS gives it; one rule decides when it applies."""

    effective_date = models.DateField()
    deletion_date = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def active_on(self, day):
        started = self.effective_date is None or self.effective_date <= day
        return started and (self.deletion_date is None or day <= self.deletion_date)


class AddonEdit(DatedEdit):
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

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    edit_type = models.PositiveSmallIntegerField()
    addon_code = models.CharField(max_length=5)
    addon_deleted = models.DateField(null=True, blank=True)
    primary_code = models.CharField(max_length=5)
    primary_deleted = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["addon_code", "edit_type", "primary_code", "effective_date"]
        indexes = [
            models.Index(fields=["release", "addon_code"], name="addon_by_addon"),
            models.Index(fields=["release", "primary_code"], name="addon_by_primary"),
        ]

    def __str__(self):
        return f"{self.addon_code} with {self.primary_code} (type {self.edit_type})"

    @property
    def type_meaning(self):
        return self.TYPE_MEANINGS.get(self.edit_type, "")


class PtpRationale(models.Model):
    """CMS's reason for a PTP edit. A dozen wordings are shared by millions of edits, so each edit
    points at one instead of repeating it (about 180 MB less on a full load)."""

    text = models.CharField(max_length=200, unique=True)

    def __str__(self):
        return self.text


class PtpEdit(DatedEdit):
    """One NCCI procedure-to-procedure edit: column 2 is denied when billed with column 1.

    A copy of a release may lack the effective date and the "in existence before 1996" mark
    (the derived 2024 Q3 files medcode ships): both are then unknown (null), not guessed.
    """

    MODIFIER_MEANINGS = {
        0: "Never bypassed: no modifier allows both codes to be paid",
        1: f"May be bypassed by a modifier ({PROCEDURE_BYPASS}) when documentation supports a distinct service",
        9: "Not applicable: the edit is deleted or does not apply",
    }

    # No index of their own: ptp_by_column1 starts with the release, and nobody looks edits up by
    # rationale; each extra index would be maintained for millions of rows on every load.
    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+", db_index=False)
    column1 = models.CharField(max_length=5)
    column2 = models.CharField(max_length=5)
    effective_date = models.DateField(null=True, blank=True)
    prior_1996 = models.BooleanField(null=True, default=False)
    modifier_indicator = models.PositiveSmallIntegerField()
    rationale = models.ForeignKey(PtpRationale, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        ordering = ["column1", "column2", "effective_date"]
        indexes = [
            # Covering the dates lets "active edits of a code" be counted from the index alone.
            models.Index(fields=["release", "column1", "column2", "effective_date", "deletion_date"],
                         name="ptp_by_column1"),
            models.Index(fields=["release", "column2", "column1", "effective_date", "deletion_date"],
                         name="ptp_by_column2"),
        ]

    def __str__(self):
        return f"{self.column1} / {self.column2}"

    @property
    def modifier_meaning(self):
        if self.modifier_indicator == 1 and EVALUATION_AND_MANAGEMENT.fullmatch(self.column2):
            return (f"May be bypassed by modifier {E_M_BYPASS} on the E/M code "
                    "when the visit is significant and separately identifiable")
        return self.MODIFIER_MEANINGS.get(self.modifier_indicator, "")


class MueEdit(models.Model):
    INDICATOR_MEANINGS = {
        1: "Line edit: the units on each claim line are checked on their own",
        2: "Date of service edit, policy: an absolute limit on the units of the day, from regulation or policy",
        3: "Date of service edit, clinical: the units of the day are limited on clinical grounds; "
           "more may be paid on appeal with documentation",
    }

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=5)
    units = models.PositiveIntegerField()
    indicator = models.PositiveSmallIntegerField()
    rationale = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["release", "code"], name="mue_by_code")]

    @property
    def indicator_meaning(self):
        return self.INDICATOR_MEANINGS.get(self.indicator, "")


class FeeScheduleRow(models.Model):
    """One row of the PFS relative value file: a code with a payment modifier (blank, 26, TC, 53)."""

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=5)
    modifier = models.CharField(max_length=2, blank=True)
    description = models.CharField(max_length=60, blank=True, help_text="HCPCS Level II only: CPT text is not shipped")
    status = models.CharField(max_length=1)
    not_used_for_payment = models.BooleanField(default=False)
    work = models.DecimalField(max_digits=8, decimal_places=2)
    pe_nonfacility = models.DecimalField(max_digits=8, decimal_places=2)
    nonfacility_na = models.BooleanField(default=False)
    pe_facility = models.DecimalField(max_digits=8, decimal_places=2)
    facility_na = models.BooleanField(default=False)
    mp = models.DecimalField(max_digits=8, decimal_places=2)
    total_nonfacility = models.DecimalField(max_digits=8, decimal_places=2)
    total_facility = models.DecimalField(max_digits=8, decimal_places=2)
    pctc = models.CharField(max_length=1, blank=True)
    global_days = models.CharField(max_length=3, blank=True)
    pre_op = models.DecimalField(max_digits=5, decimal_places=2)
    intra_op = models.DecimalField(max_digits=5, decimal_places=2)
    post_op = models.DecimalField(max_digits=5, decimal_places=2)
    multiple_procedure = models.CharField(max_length=1, blank=True)
    bilateral = models.CharField(max_length=1, blank=True)
    assistant = models.CharField(max_length=1, blank=True)
    co_surgeons = models.CharField(max_length=1, blank=True)
    team_surgery = models.CharField(max_length=1, blank=True)
    endoscopic_base = models.CharField(max_length=5, blank=True)
    conversion_factor = models.DecimalField(max_digits=9, decimal_places=4)
    supervision = models.CharField(max_length=2, blank=True)
    imaging_family = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["code", "modifier"]
        indexes = [models.Index(fields=["release", "code"], name="fee_by_code")]


class Locality(models.Model):
    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    mac = models.CharField(max_length=5)
    state = models.CharField(max_length=2)
    number = models.CharField(max_length=2)
    name = models.CharField(max_length=80)
    work_gpci_unfloored = models.DecimalField(max_digits=5, decimal_places=3)
    work_gpci = models.DecimalField(max_digits=5, decimal_places=3)
    pe_gpci = models.DecimalField(max_digits=5, decimal_places=3)
    mp_gpci = models.DecimalField(max_digits=5, decimal_places=3)

    class Meta:
        ordering = ["state", "name"]

    @property
    def key(self):
        return f"{self.mac}-{self.number}"

    def __str__(self):
        return f"{self.state} {self.name.rstrip('*').strip().title()} ({self.mac}-{self.number})"


class Modifier(models.Model):
    """A HCPCS Level II modifier from the CMS alpha-numeric file."""

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=2)
    title = models.TextField()
    short_title = models.CharField(max_length=60, blank=True)
    added_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["release", "code"], name="modifier_by_code")]


class CoverageDocument(models.Model):
    class Type(models.TextChoices):
        LCD = "LCD", "Local coverage determination"
        ARTICLE = "Article", "Billing and coding article"
        NCD = "NCD", "National coverage determination"

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=8, choices=Type.choices)
    display_id = models.CharField(max_length=12)
    document_id = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    title = models.TextField()
    contractors = models.TextField(blank=True)
    effective_date = models.DateField(null=True, blank=True)
    retirement_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=80, blank=True)
    url = models.URLField(max_length=300, blank=True)

    class Meta:
        ordering = ["display_id", "-version"]
        indexes = [
            models.Index(fields=["release", "doc_type", "document_id"], name="coverage_doc_by_id"),
        ]

    def __str__(self):
        return f"{self.display_id} {self.title}"


class CoverageCode(models.Model):
    """A code an MCD billing-and-coding article lists, in one of its numbered groups."""

    class List(models.TextChoices):
        PROCEDURE = "hcpcs", "CPT/HCPCS codes"
        COVERED = "icd10-covered", "ICD-10-CM codes that support medical necessity"
        NONCOVERED = "icd10-noncovered", "ICD-10-CM codes that do not support medical necessity"

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    article_id = models.PositiveIntegerField()
    article_version = models.PositiveIntegerField()
    list = models.CharField(max_length=16, choices=List.choices)
    group = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=8)

    class Meta:
        ordering = ["article_id", "list", "group", "code"]
        indexes = [
            models.Index(fields=["release", "code", "list"], name="coverage_code_by_code"),
            models.Index(fields=["release", "article_id", "list"], name="coverage_code_by_article"),
        ]


class CoverageGroup(models.Model):
    """The paragraph that heads one numbered code group of an article (what the group is for)."""

    release = models.ForeignKey(DataRelease, on_delete=models.CASCADE, related_name="+")
    article_id = models.PositiveIntegerField()
    article_version = models.PositiveIntegerField()
    list = models.CharField(max_length=16, choices=CoverageCode.List.choices)
    group = models.PositiveIntegerField()
    paragraph = models.TextField(blank=True)

    class Meta:
        ordering = ["article_id", "list", "group"]
        indexes = [models.Index(fields=["release", "article_id"], name="coverage_group_by_article")]
