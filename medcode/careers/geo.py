"""Where a US ZIP code is, from the `zipcodes` package's bundled table (no download), and how far apart two places are."""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

EARTH_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float


@lru_cache(maxsize=4096)
def place(zip_code):
    """The Place of a 5-digit ZIP code, or None for one that is unknown or malformed."""
    zip_code = (zip_code or "").strip()[:5]
    if not re.fullmatch(r"[0-9]{5}", zip_code):  # ASCII only: full-width digits crash zipcodes' Rust core
        return None
    try:
        found = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    if not found or not found[0].get("lat"):
        return None
    row = found[0]
    return Place(zip_code, row["city"], row["state"], float(row["lat"]), float(row["long"]))


def miles(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_MILES * math.asin(math.sqrt(a))


def box(origin, radius):
    """(min lat, max lat, min lon, max lon) holding every point within radius miles: a cheap first filter."""
    dlat = radius / 69.0
    dlon = radius / max(69.0 * math.cos(math.radians(origin.latitude)), 1e-6)
    return origin.latitude - dlat, origin.latitude + dlat, origin.longitude - dlon, origin.longitude + dlon
