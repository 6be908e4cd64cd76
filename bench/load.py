"""A bounded load generator on loopback: requests/s, p50, p95 and errors at several concurrencies.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 [--concurrency 1 8 32] [--seconds 10]
                                    [--requests 5000] [--path /icd-10-cm/{code}/ ...] [--token TOKEN]

Each client thread keeps one HTTP/1.1 connection and asks for the paths in turn, `{code}` filled from a
fixed list of ICD-10-CM codes; a run stops at --seconds or --requests, whichever comes first. Start the
server yourself (`medcode serve`, or `medcode serve --dev` for Django's development server) and run this
against each, side by side, on the same database.
"""

import argparse
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit

CODES = ["E11.9", "I10", "N18.30", "I50.20", "J44.1", "M17.11", "S72.001A", "K21.9", "F32.9", "E78.5",
         "R69", "Z00.00", "I48.91", "G30.9", "C50.911", "E66.01", "N39.0", "A41.9", "J18.9", "I25.10"]


def run(url, paths, clients, seconds, most, headers):
    parts = urlsplit(url)
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + seconds
    issued = [0]

    def client(number):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        turn = number
        while time.monotonic() < stop_at:
            with lock:
                if issued[0] >= most:
                    return
                issued[0] += 1
            path = paths[turn % len(paths)].format(code=CODES[turn % len(CODES)])
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 500
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else 0
    return len(latencies) / took, statistics.median(latencies) if latencies else 0, p95, errors[0], len(latencies)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", action="append", help="path template; {code} is filled in")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--token", help="an API token, sent as a bearer")
    args = parser.parse_args()
    paths = args.path or ["/icd-10-cm/{code}/"]
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    for clients in args.concurrency:
        rate, p50, p95, errors, count = run(args.url, paths, clients, args.seconds, args.requests, headers)
        print(f"{args.url} {' '.join(paths)} c={clients}: {rate:.1f} req/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
              f"{errors} errors of {count}")


if __name__ == "__main__":
    main()
