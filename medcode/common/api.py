"""Schemas every JSON API router shares: the error body and the metering counter."""

from datetime import date

from ninja import Field, Schema


# The deepest page a list API serves: larger offsets are refused with a 400, never passed to the
# database (SQLite overflows on 2**63).
MAX_OFFSET = 10_000_000


class Error(Schema):
    detail: str


class AccessOut(Schema):
    plan: str = Field(..., description="guest, free or subscriber")
    unlocked: bool
    remaining: int | None = Field(None, description="code page views left in the window; null: unlimited")
    resets_on: date | None = None
    next_step: str | None = Field(None, description="register, verify or upgrade")


def access_out(access):
    """A metering Access as the API shows it (None stays None)."""
    return access and {"plan": access.plan, "unlocked": access.unlocked, "remaining": access.remaining,
                       "resets_on": access.resets_on, "next_step": access.next_step}
