"""Employers write job descriptions in Markdown; the page shows it sanitised (nh3) so a posting
cannot carry scripts, styles, frames or tracking images."""

import markdown
import nh3
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre", "hr", "a"}


def render(text):
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, tags=TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                               link_rel="nofollow noopener ugc"))


def plain(text, limit=300):
    """The description as plain words (feeds, emails, JSON-LD's summary)."""
    words = nh3.clean(markdown.markdown(text or ""), tags=set()).split()
    joined = " ".join(words)
    return joined if len(joined) <= limit else joined[:limit].rsplit(" ", 1)[0] + "…"
