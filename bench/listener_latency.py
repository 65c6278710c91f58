"""How long a change to the record takes to reach a generation listener (events/listener.py):
from the commit that bumps RecordState to the moment the listener's generation changes, with
no heartbeat read in between (only the notification can tell it).

    DATABASE_URL=postgres://... DJANGO_SECRET_KEY=... .venv/bin/python -m bench.listener_latency

It bumps the generation of that database (every cached page of it misses once afterwards).
"""

import os
import time

import django


def main(changes=300):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timeline.settings")
    django.setup()
    from events.listener import GenerationListener, connect_like
    from events.models import RecordState

    listener = GenerationListener(connect_like(), heartbeat=3600, stale_after=7200).start()
    try:
        deadline = time.monotonic() + 10
        while listener.current() is None:
            if time.monotonic() > deadline:
                raise SystemExit("The listener did not connect (PostgreSQL, migrated?).")
            time.sleep(0.01)
        waits = []
        for _ in range(changes):
            before = listener.current()
            RecordState.objects.bump()
            committed = time.perf_counter()
            while listener.current() == before:
                time.sleep(0)
            waits.append((time.perf_counter() - committed) * 1000)
    finally:
        listener.stop()
    waits.sort()
    print(f"commit -> heard by the listener, {changes} changes: "
          f"p50 {waits[len(waits) // 2]:.2f} ms, p99 {waits[int(len(waits) * 0.99) - 1]:.2f} ms, "
          f"max {waits[-1]:.2f} ms")


if __name__ == "__main__":
    main()
