"""What every form of medcode's shares."""

import re

from django import forms

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SingleLineFields:
    """Form mixin: a one-line text field (a text input) holds no line breaks or other control
    characters. A title with a CR/LF would otherwise split the header of every email that quotes it."""

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            value = data.get(name)
            if isinstance(value, str) and isinstance(field.widget, forms.TextInput) and CONTROL.search(value):
                self.add_error(name, "Use one line of plain text: no line breaks, tabs or control characters.")
        return data
