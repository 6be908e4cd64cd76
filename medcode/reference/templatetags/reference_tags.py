from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def locality_options(choices, selected):
    """<option> tags for the 109 localities: a tag, since the template loop took a tenth of the page's time."""
    chosen = mark_safe(" selected")
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((key, chosen if key == selected else "", name) for key, name in choices))
