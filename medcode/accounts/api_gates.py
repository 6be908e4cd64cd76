"""The API's metering gates: a code's reference facts or a tool run, answered 402 when no view is left.

Every router that shows metered facts goes through one of these, so a reader past the allowance gets
the same status and the same words from the code endpoints, the grouper, the scrubber and the calculator.
"""

from ninja.errors import HttpError

from medcode.accounts import metering
from medcode.common.http import mark_private


def open_code(request, response, code):
    """Open one code's reference sections for the caller (a view, as its page would take)."""
    mark_private(response, api=True)
    access = metering.open_for_request(request, code, request.auth)
    if not access.unlocked:
        raise HttpError(402, f"no code page views left this {metering.limits()['WINDOW']}: "
                             f"{access.next_step} to read {code.display_code}'s reference sections")
    return access


def run_tool(request, response, tool, codes, what="run"):
    """A tool run costs what opening the pages of its codes would (see metering.run_tool)."""
    mark_private(response, api=True)
    access = metering.run_tool(request, tool, codes, request.auth)
    if not access.unlocked:
        raise HttpError(402, f"this {what} shows the reference data of {access.needed} code(s) not opened this "
                             f"{metering.limits()['WINDOW']}, and {access.remaining} view(s) are left: "
                             f"{access.next_step} to run it")
    return access
