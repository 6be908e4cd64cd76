"""Reference data at scale: load time, database size, NCCI PTP import, claim checks, code pages.

    python bench/reference.py [--ptp-rows 1000000] [--claims 1000]
    python bench/reference.py --db /tmp/ref.sqlite3              # keep the loaded database ...
    python bench/reference.py --db /tmp/ref.sqlite3 --skip-load  # ... and reuse it
    python bench/reference.py --database-url postgres://user:pw@host/medcode

Prints, for a fresh throwaway SQLite database in a temporary directory (or the
database given): 1. `migrate` and `load_data` (every bundled code set and
reference file), then each bundled reference file re-imported on its own;
2. the database size; 3. the import rate of a SYNTHETIC NCCI PTP release in
CMS's layout (CMS's own files are not shipped), with pairs drawn from the fee
schedule's real codes; 4. claim line check latency over random 10-line claims;
5. code page render time with every section, as a subscriber. Nothing is
asserted: figures vary with the machine, so compare them with the targets shown.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HUBS = ["99213", "99214", "99212", "99215", "99211", "36000", "96372", "36410", "96360", "96365", "96374", "96375",
        "96361", "69990", "20610", "64450", "97597", "11042", "99232", "99233", "93000", "94760", "J2001", "J1100"]
PAGE_CODES = [("cpt", "99213"), ("cpt", "20700"), ("cpt", "27130"), ("hcpcs", "J1100"), ("cpt", "11042")]
RATIONALES = ["Standards of medical / surgical practice", "Misuse of column two code with column one code",
              "CPT Manual or CMS manual coding instructions", "Mutually exclusive procedures",
              "HCPCS/CPT procedure code definition", "More extensive procedure",
              "Anesthesia service included in surgical procedure", "CPT separate procedure definition"]
CLAIM_DAY = date(2026, 7, 15)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ptp-rows", type=int, default=1_000_000, help="synthetic PTP rows (0: skip that step)")
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--db", help="SQLite file to load into (or, with --skip-load, to reuse)")
    parser.add_argument("--skip-load", action="store_true", help="reuse the database of --db / --database-url")
    parser.add_argument("--database-url", help="e.g. postgres://…; the default is a throwaway SQLite file")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.skip_load and not (args.db or args.database_url):
        parser.error("--skip-load needs --db or --database-url")
    scratch = Path(tempfile.mkdtemp(prefix="medcode-bench-ref-"))
    os.environ["MEDCODE_VAR_DIR"] = str(scratch)  # sessions, mail, static: nothing lands in the clone
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{Path(args.db or scratch / 'bench.sqlite3').resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(args.seed)
    started = time.perf_counter()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}  (scratch dir {scratch})")
    try:
        if not args.skip_load:
            bench_load()
        print(f"== 2. database size after load: {database_size_mb(connection):.1f} MB")
        if args.ptp_rows and bench_ptp(args.ptp_rows, scratch, rng):
            print(f"database size with the synthetic PTP release: {database_size_mb(connection):.1f} MB")
        bench_claims(args.claims, rng)
        bench_pages(args.pages, rng)
        print(f"total wall time {time.perf_counter() - started:.0f} s")
    finally:
        connection.close()
        shutil.rmtree(scratch, ignore_errors=True)  # the throwaway database and the synthetic files


def bench_load():
    from django.core.management import call_command

    from medcode.codes.models import Release
    from medcode.reference import importers, tables

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - t0
    if Release.objects.exists():
        print("note: the database already holds code sets; load_data skips unchanged releases")
    print("== 1. load: migrate + load_data (target: full load < 5 minutes on 2 cores)")
    t1 = time.perf_counter()
    call_command("load_data")  # its per-step lines go through as they come
    loaded = time.perf_counter() - t1
    print(f"migrate {migrated:.1f} s, load_data {loaded:.1f} s, total {migrated + loaded:.1f} s")
    print("reference files alone, import_file(kind, [path], force=True):")
    total = 0.0
    for name, kind, pattern in importers.BUNDLED:
        path = tables.bundled(pattern)
        if path is None:
            print(f"  {name:32s} not bundled")
            continue
        t = time.perf_counter()
        release = importers.import_file(kind, [path], force=True)
        elapsed = time.perf_counter() - t
        total += elapsed
        print(f"  {name:32s} {path.name:36s} {release.rows:8,d} rows {elapsed:7.2f} s")
    print(f"  {'all reference files':32s} {'':36s} {'':13s} {total:7.2f} s")


def database_size_mb(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0] / 1e6
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return os.path.getsize(connection.settings_dict["NAME"]) / 1e6
    return float("nan")


def fee_codes():
    from medcode.reference import tables
    from medcode.reference.models import DataRelease, FeeScheduleRow

    release = tables.release_for(DataRelease.Kind.RVU, CLAIM_DAY)
    rows = FeeScheduleRow.objects.filter(release=release, modifier="").exclude(status="I")
    return sorted(set(rows.values_list("code", flat=True)))


def bench_ptp(count, scratch, rng):
    from medcode.codes.catalogue import refresh_statistics
    from medcode.reference import importers, ncci
    from medcode.reference.models import DataRelease

    print(f"== 3. NCCI PTP import: {count:,} SYNTHETIC rows (CMS layout, real fee schedule codes; not CMS data)")
    t = time.perf_counter()
    parts = write_synthetic_ptp(count, fee_codes(), scratch / "ptp", rng)
    megabytes = sum(p.stat().st_size for p in parts) / 1e6
    print(f"  generated {', '.join(p.name for p in parts)} ({megabytes:.0f} MB) in {time.perf_counter() - t:.1f} s")
    label, _ = ncci.ptp_release(parts[0].name)
    old = DataRelease.objects.filter(kind=DataRelease.Kind.PTP_PRACTITIONER, label=label).first()
    if old:  # a reused database: clear the last run's release outside the timing
        t = time.perf_counter()
        old.delete()
        print(f"  deleted the previous {label} release ({old.rows:,} rows) in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    release = importers.import_file("ncci-ptp", parts, force=True)
    elapsed = time.perf_counter() - t
    print(f"  import_file('ncci-ptp', 4 parts): {release.rows:,} synthetic rows in {elapsed:.1f} s "
          f"= {release.rows / elapsed:,.0f} rows/s (real practitioner release: ~2.6 M rows)")
    refresh_statistics()  # as load_data does after its imports, so the query planner sees the new rows
    return release.rows


def write_synthetic_ptp(count, codes, folder, rng):
    """ccipra-v321r0-f1..f4.txt in CMS's layout: each column 1 code gets a heavy-tailed number of
    column 2 partners, drawn so that hub codes (E/M, injections, 36000 …) pair with thousands."""
    folder.mkdir(parents=True, exist_ok=True)
    known = set(codes)
    hubs = [c for c in HUBS if c in known]
    ranked = hubs + rng.sample([c for c in codes if c not in hubs], len(codes) - len(hubs))
    cum, acc = [], 0.0
    for rank in range(1, len(ranked) + 1):  # Zipf weights: rank r drawn in proportion to 1/r
        acc += 1 / rank
        cum.append(acc)
    cap = len(codes) // 4
    sizes = sorted((rng.paretovariate(1.1) for _ in codes), reverse=True)
    scale = count / sum(sizes)
    sizes = [min(cap, max(1, round(s * scale))) for s in sizes]
    deficit = min(count, cap * len(sizes)) - sum(sizes)
    while deficit > 0:  # the capped surplus goes to the codes below the cap
        i = rng.randrange(len(sizes))
        if sizes[i] < cap:
            sizes[i], deficit = sizes[i] + 1, deficit - 1
    excess = sum(sizes) - count
    for i in range(len(sizes) - 1, -1, -1):
        cut = min(excess, sizes[i] - 1)
        sizes[i], excess = sizes[i] - cut, excess - cut
    firsts = [c for _, c in PAGE_CODES] + rng.sample(codes, len(codes))
    firsts = list(dict.fromkeys(c for c in firsts if c in known))
    pairs = []
    for column1, k in zip(firsts, sizes):
        chosen = set()
        for _ in range(4):
            chosen.update(rng.choices(ranked, cum_weights=cum, k=2 * (k + 1 - len(chosen))))
            if len(chosen) > k:
                break
        while len(chosen) <= k:
            chosen.update(rng.sample(ranked, min(len(ranked), k + 1 - len(chosen))))
        chosen.discard(column1)
        pairs += [(column1, c) for c in rng.sample(sorted(chosen), k)]
    pairs.sort()
    header = ("CPT codes, descriptions and other data only are copyright 2025 American Medical Association. "
              "All rights reserved. Applicable FARS/DFARS apply.\r\nColumn1/Column 2 Edits\r\n"
              "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\t"
              "PTP Edit Rationale\r\n\t\t\t\t*=no data\t0=not allowed\t\r\n\t\t\t\t\t1=allowed\t\r\n"
              "\t\t\t\t\t9=not applicable\t\r\n")
    first_day, last_day = date(1996, 1, 1), date(2026, 4, 1)
    span = (last_day - first_day).days
    paths, per_part = [], -(-len(pairs) // 4)
    for part in range(4):
        path = folder / f"ccipra-v321r0-f{part + 1}.txt"
        with open(path, "w", encoding="ascii", newline="") as out:
            out.write(header)
            lines = []
            for column1, column2 in pairs[part * per_part:(part + 1) * per_part]:
                start = first_day if rng.random() < 0.1 else first_day + timedelta(days=rng.randrange(span))
                deleted = "*"
                if rng.random() < 0.15:
                    deleted = (start + timedelta(days=rng.randint(1, max(1, (last_day - start).days - 1)))).strftime("%Y%m%d")
                indicator = rng.choices("019", weights=(40, 55, 5))[0]
                prior = "*" if start == first_day else ""
                lines.append(f"{column1}\t{column2}\t{prior}\t{start:%Y%m%d}\t{deleted}\t{indicator}\t"
                             f"{rng.choice(RATIONALES)}\r\n")
            out.write("".join(lines))
        paths.append(path)
    return paths


def _pctl(values, q):
    values = sorted(values)
    return values[max(0, -(-len(values) * q // 100) - 1)]


def bench_claims(count, rng):
    from django.db.models import Max, Min

    from medcode.reference import claims, ncci, tables
    from medcode.reference.models import PtpEdit

    print(f"== 4. claim line check: {count:,} random claims of 10 lines, practitioner, {CLAIM_DAY} "
          "(target: p95 < 20 ms)")
    codes = fee_codes()
    release = tables.release_for(ncci.PTP_KINDS["practitioner"], CLAIM_DAY)
    pairs = []
    if release:
        span = PtpEdit.objects.filter(release=release).aggregate(low=Min("id"), high=Max("id"))
        ids = [rng.randint(span["low"], span["high"]) for _ in range(4 * (count + 20))]
        for start in range(0, len(ids), 5000):
            pairs += PtpEdit.objects.filter(id__in=ids[start:start + 5000]).values_list("column1", "column2")
        pairs.sort()
        rng.shuffle(pairs)
    else:
        print("  no PTP release is loaded: pairs are not checked")
    hubs = [c for c in HUBS if c in set(codes)]

    def claim():
        edited = rng.choice([0, 1, 1, 2])  # pairs that have a PTP edit, whatever its status
        chosen = [c for pair in rng.sample(pairs, min(len(pairs), edited)) for c in pair]
        if rng.random() < 0.5:
            chosen.append(rng.choice(hubs))
        while len(chosen) < 10:
            chosen.append(rng.choice(codes))
        modifiers = lambda: [rng.choice(["59", "25", "50", "26"])] if rng.random() < 0.12 else []
        return [claims.make_line(n, code, rng.randint(1, 3), modifiers()) for n, code in enumerate(chosen, 1)]

    timings, denied, kinds, failed = [], 0, Counter(), 0
    for number in range(20 + count):
        lines = claim()
        t = time.perf_counter()
        try:
            result = claims.check(lines, setting="practitioner", day=CLAIM_DAY)
        except Exception:
            failed += 1
            if failed == 1:
                print(f"  WARNING claims.check raised on {' '.join(map(str, lines))}:\n{traceback.format_exc()}")
            continue
        elapsed = (time.perf_counter() - t) * 1000
        if number >= 20:  # the first 20 warm up
            timings.append(elapsed)
            denied += bool(result.denials)
            kinds.update({f.kind for f in result.denials})
    if timings:
        print(f"  n={len(timings)}  median {statistics.median(timings):.1f} ms  p95 {_pctl(timings, 95):.1f} ms  "
              f"max {max(timings):.1f} ms")
    print(f"  claims with at least one denial: {denied} of {len(timings)}; claims denied by kind: "
          + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
    if failed:
        print(f"  WARNING: {failed} claim checks raised an exception")


def bench_pages(count, rng):
    from django.test import Client
    from django.utils import timezone

    from medcode.accounts import plans
    from medcode.accounts.models import User
    from medcode.codes.models import Code

    print(f"== 5. code pages with every section, as a subscriber: {count} requests after 20 warm-up "
          "(target: p50 < 30 ms)")
    fee = set(fee_codes())
    candidates = list(Code.objects.filter(system__in=["cpt", "hcpcs"], code__in=fee).order_by("id")
                      .values_list("system", "code"))
    urls = [f"/{system}/{code}/" for system, code in PAGE_CODES]
    urls += [Code.objects.get(system=s, code=c).get_absolute_url() for s, c in rng.sample(candidates, 5)]
    urls.append("/cpt/99213/?locality=09102-04")
    email = f"bench-ref-{int(time.time())}@example.com"
    user = User.objects.create_user(email, "bench", email_verified_at=timezone.now())
    plans.set_plan(email, "subscriber")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    timings, warned = {url: [] for url in urls}, set()
    try:
        for number in range(20 + count):
            url = urls[number % len(urls)]
            t = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - t) * 1000
            text = response.content.decode(errors="replace")
            problem = (f"status {response.status_code}" if response.status_code != 200 else
                       "no 'RVUs, global period and payment' section" if "RVUs, global period and payment" not in text
                       else "a locked section ('Register to view')" if "Register to view" in text else None)
            if problem and url not in warned:
                warned.add(url)
                print(f"  WARNING {url}: {problem}")
            if number >= 20:
                timings[url].append(elapsed)
    finally:
        user.delete()
    every = [t for values in timings.values() for t in values]
    print(f"  all       n={len(every)}  p50 {statistics.median(every):.1f} ms  p95 {_pctl(every, 95):.1f} ms")
    for url, values in timings.items():
        print(f"  {url:32s} n={len(values):3d}  p50 {statistics.median(values):6.1f} ms  max {max(values):6.1f} ms")


if __name__ == "__main__":
    main()
