"""What Case2Code searches: one document per code, its words, and the semantic index's state.

The full-text structures themselves are backend-specific and live outside the ORM:
an FTS5 table on SQLite and a tsvector column with GIN indexes on PostgreSQL
(see migrations/0001 and lexical.py).
"""

from django.db import models

from medcode.codes.models import Code


class SearchDocument(models.Model):
    code = models.OneToOneField(Code, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    system = models.CharField(max_length=16)
    billable = models.BooleanField(default=False)
    leaf = models.BooleanField(default=False, help_text="no codes below it")
    active = models.BooleanField(default=True, help_text="not deleted")
    ancestors = models.TextField(blank=True, help_text="'|'-wrapped ancestor codes, for the chapter filter")
    title = models.TextField(help_text="descriptors: what the code set calls the code")
    terms = models.TextField(blank=True, help_text="index entries, inclusion terms, outline headings")

    class Meta:
        indexes = [models.Index(fields=["system", "billable"])]


class IndexEntry(models.Model):
    """One path of the ICD-10-CM alphabetic index ("Fracture, traumatic hip") and the code it
    leads to: searched on its own, a short entry matching every word is how a coder finds a code."""

    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+")
    default = models.ForeignKey(
        Code, on_delete=models.CASCADE, null=True, related_name="+",
        help_text="for an entry ending at a category: its first billable code",
    )
    text = models.TextField()
    qualifier = models.TextField(
        blank=True, help_text="a table column (\"adverse effect\", \"malignant primary\"): ranked on, not matched",
    )


class SearchWord(models.Model):
    """The indexed vocabulary, to correct a misspelt word to one that finds codes."""

    word = models.CharField(max_length=64, primary_key=True)
    documents = models.PositiveIntegerField()


class SemanticIndex(models.Model):
    """The embedding file this database's documents were encoded into (one row)."""

    file = models.CharField(max_length=255, help_text="under MEDCODE_VAR_DIR/search")
    model = models.CharField(max_length=128)
    documents = models.PositiveIntegerField()
    texts = models.PositiveIntegerField(help_text="distinct texts encoded")
    built_at = models.DateTimeField(auto_now=True)


class IndexState(models.Model):
    """When the search index was last built, and from which state of the catalogue (one row)."""

    catalogue = models.CharField(max_length=128, help_text="code count and latest release when built")
    documents = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now=True)
