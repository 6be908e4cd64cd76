"""Small tables read once and kept until the next request, or until one of their rows is saved or
deleted in this process (an import, a test): a page asks for the same releases a dozen times."""

from django.core.signals import request_started
from django.db.models.signals import post_delete, post_save


class TableCache:
    def __init__(self, name, model):
        self._values = {}
        request_started.connect(self.clear, dispatch_uid=f"{name}.request", weak=False)
        post_save.connect(self.clear, sender=model, dispatch_uid=f"{name}.saved", weak=False)
        post_delete.connect(self.clear, sender=model, dispatch_uid=f"{name}.deleted", weak=False)

    def get(self, key, read):
        """The value kept under key, else read() kept."""
        found = self._values.get(key)  # one read: another thread may clear the cache at any time
        if found is None:
            found = self._values[key] = read()
        return found

    def clear(self, *args, **kwargs):
        self._values.clear()
