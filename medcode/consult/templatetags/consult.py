from django import template

from medcode.consult import review

register = template.Library()


@register.filter
def with_code_links(text):
    """Escaped text with each catalogue code it names linked to its page."""
    return review.linked(text or "")
