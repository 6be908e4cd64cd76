"""Code-page render time over random codes of every set, and the full data load.

    python bench/pages.py [--pages 1000] [--skip-load]

Loads the bundled data into a fresh SQLite database under a temporary
MEDCODE_VAR_DIR (unless DATABASE_URL says otherwise), then renders random
code pages through Django's test client (server side, no network) and prints
median and p95 for three readers: a subscriber (every section, not metered),
a free account opening each page for the first time (metering writes a view),
and a guest with no view left (locked sections). Figures vary with the
machine: compare medians and ratios.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--skip-load", action="store_true", help="use the existing database as it is")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not args.skip_load:
        os.environ.setdefault("MEDCODE_VAR_DIR", tempfile.mkdtemp(prefix="medcode-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from medcode.accounts import plans
    from medcode.accounts.models import User

    from medcode.codes.models import Code
    from medcode.site.loading import load_bundled

    if not args.skip_load:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        load_bundled()
        print(f"full load: {time.perf_counter() - started:.1f} s")
    counts = {s: Code.objects.filter(system=s).count() for s in ("cpt", "hcpcs", "icd10cm", "icd10pcs")}
    print("codes per set:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    rng = random.Random(args.seed)
    chosen = []
    for system in counts:  # the same share of pages from every set, however large
        ids = list(Code.objects.filter(system=system).values_list("id", flat=True))
        chosen += rng.sample(ids, min(args.pages // len(counts), len(ids)))
    sample = list(Code.objects.in_bulk(chosen).values())
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "FREE_VIEWS": 10**6}
    stamp = int(time.time())
    subscriber = User.objects.create_user(f"bench-sub-{stamp}@example.com", "bench", email_verified_at=timezone.now())
    plans.set_plan(subscriber.email, "subscriber")
    free = User.objects.create_user(f"bench-free-{stamp}@example.com", "bench", email_verified_at=timezone.now())
    readers = {"subscriber": Client(), "free, first open": Client(), "guest, locked": Client(REMOTE_ADDR="192.0.2.1")}
    readers["subscriber"].force_login(subscriber)
    readers["free, first open"].force_login(free)
    readers["guest, locked"].get(sample[0].get_absolute_url())  # spends the guest's one view
    for reader, client in readers.items():
        timings = {}
        for code in sample:
            url = code.get_absolute_url()
            if reader == "subscriber":
                client.get(url)  # first touch warms caches the way a live server is warm
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, url
            timings.setdefault(code.system, []).append(elapsed)
        _report(f"code pages as {reader}", timings)
    User.objects.filter(pk__in=[subscriber.pk, free.pk]).delete()


def _report(title, timings):
    every = sorted(t for values in timings.values() for t in values)
    print(f"{title}: {len(every)} random codes, server-side render")
    for system, values in sorted(timings.items()):
        values.sort()
        print(f"  {system:9s} n={len(values):4d}  p50 {statistics.median(values):6.1f} ms  "
              f"p95 {values[int(len(values) * 0.95) - 1]:6.1f} ms")
    print(f"  all       n={len(every):4d}  p50 {statistics.median(every):6.1f} ms  p95 {every[int(len(every) * 0.95) - 1]:6.1f} ms")

if __name__ == "__main__":
    main()
