from functools import lru_cache

from django.db import models
from django.urls import reverse

from medcode.codes import systems

SYSTEM_CHOICES = systems.CHOICES


class Release(models.Model):
    """One loaded edition of a code set file (e.g. ICD-10-PCS FY2026)."""

    system = models.CharField(max_length=16, choices=SYSTEM_CHOICES)
    version = models.CharField(max_length=64, help_text="e.g. FY2026, 2026-01")
    effective_date = models.DateField()
    source = models.CharField(max_length=255, help_text="file the release was read from")
    sha256 = models.CharField(max_length=64)
    code_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["system", "effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["system", "version"], name="unique_release_version"),
        ]

    def __str__(self):
        return f"{systems.SYSTEMS[self.system].name} {self.version}"


class Code(models.Model):
    """A code or a grouping (chapter, block, table) of one code set.

    Hierarchy is kept as code strings (`parent`, `path`) rather than foreign
    keys, so a release of 100k rows loads in bulk and a breadcrumb is one query.
    """

    class Kind(models.TextChoices):
        CHAPTER = "chapter", "Chapter"
        BLOCK = "block", "Block"
        CATEGORY = "category", "Category"
        SUBCATEGORY = "subcategory", "Subcategory"
        SECTION = "section", "Section"
        BODY_SYSTEM = "body_system", "Body system"
        TABLE = "table", "Table"
        RANGE = "range", "Code range"
        CODE = "code", "Code"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DELETED = "deleted", "Deleted"

    system = models.CharField(max_length=16, choices=SYSTEM_CHOICES)
    code = models.CharField(max_length=24, help_text="normalised: upper case, no dot")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CODE)
    title = models.TextField(blank=True, help_text="official (long) descriptor")
    short_title = models.CharField(max_length=255, blank=True)
    medium_title = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True, help_text="medcode's own plain-language text")
    billable = models.BooleanField(default=False)
    is_addon = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    effective_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="last day the code may be used")
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL,
        help_text="latest release that carries the code",
    )
    parent = models.CharField(max_length=24, blank=True)
    path = models.TextField(blank=True, help_text="ancestor codes, root first, '|'-separated")
    depth = models.PositiveSmallIntegerField(default=0)
    seq = models.PositiveIntegerField(default=0, help_text="order within the code set")
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["system", "seq", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="unique_code_per_system"),
        ]
        indexes = [
            models.Index(fields=["system", "parent", "seq"], name="code_children"),
        ]

    def __str__(self):
        return f"{self.system_name} {self.display_code}"

    @property
    def system_name(self):
        return systems.SYSTEMS[self.system].name

    @property
    def display_code(self):
        return systems.display(self.system, self.code)

    @property
    def is_group(self):
        """Chapters, blocks, tables and ranges: browse nodes, not reportable codes."""
        return self.kind in GROUP_KINDS

    @property
    def is_deleted(self):
        return self.status == self.Status.DELETED

    @property
    def ancestor_codes(self):
        return [c for c in self.path.split("|") if c]

    @property
    def best_title(self):
        return self.title or self.medium_title or self.short_title or self.extra.get("label", "")

    def get_absolute_url(self):
        # A code page links hundreds of codes (primaries, edits, children): one reverse() per code set.
        return f"{_system_url(self.system)}{self.display_code}/"


GROUP_KINDS = {
    Code.Kind.CHAPTER, Code.Kind.BLOCK, Code.Kind.SECTION,
    Code.Kind.BODY_SYSTEM, Code.Kind.TABLE, Code.Kind.RANGE,
}


class CodeNote(models.Model):
    """An instructional note of the tabular list attached to one code."""

    class Kind(models.TextChoices):
        INCLUSION = "inclusion", "Inclusion terms"
        INCLUDES = "includes", "Includes"
        EXCLUDES1 = "excludes1", "Excludes1"
        EXCLUDES2 = "excludes2", "Excludes2"
        CODE_FIRST = "code_first", "Code first"
        USE_ADDITIONAL = "use_additional", "Use additional code"
        CODE_ALSO = "code_also", "Code also"
        NOTE = "note", "Note"
        SEVENTH = "seventh", "7th character note"

    owner = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    seq = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["owner", "kind", "seq"]


class CodeChange(models.Model):
    """What a release did to a code: the history shown on its page."""

    class Change(models.TextChoices):
        ADDED = "added", "Added"
        REVISED = "revised", "Descriptor revised"
        DELETED = "deleted", "Deleted"
        REINSTATED = "reinstated", "Reinstated"

    owner = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="changes")
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="changes")
    change = models.CharField(max_length=12, choices=Change.choices)
    old_title = models.TextField(blank=True)
    new_title = models.TextField(blank=True)

    class Meta:
        ordering = ["owner", "release__effective_date"]


@lru_cache(maxsize=None)
def _system_url(system):
    return reverse("codes:system", kwargs={"system": systems.SYSTEMS[system].slug})
