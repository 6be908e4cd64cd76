"""What a reader may see of the release comparisons: the metering decision the changes page and
its API share (the comparison itself, in changes.py, knows nothing of readers)."""

from medcode.accounts import metering
from medcode.codes import lookup, systems


def may_list(request, code, reader=None):
    """(may the reader see the changed values, the metering access): the counts are public, the values
    are reference content: one code's, like its page (metered); every code's, for subscribers."""
    reader = reader or metering.reader_for(request)
    if reader.plan == metering.SUBSCRIBER:
        return True, None
    found = lookup.find(code, None) if code else None
    if found is None or found.system not in {systems.CPT, systems.HCPCS}:
        return False, None
    access = metering.open_for_request(request, found, reader)
    return access.unlocked, access
