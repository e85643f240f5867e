"""`make bench`: every benchmark module's figures, each a ratio against a baseline measured in the same run.

No figure here is asserted anywhere: these machines are shared and noisy, so speed targets are read,
not tested.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    found = pkgutil.iter_modules([str(Path(__file__).parent)])
    names = sorted(m.name for m in found if m.name.startswith(("bench_", "postgres_")))
    only = sys.argv[1:]
    failed = 0
    for name in names:
        if only and not any(o in name for o in only):
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name} ==", flush=True)
        t0 = time.perf_counter()
        try:
            rows = module.run()
        except Exception as exc:  # one broken benchmark must not hide the others
            print(f"   failed: {type(exc).__name__}: {exc}")
            failed += 1
            continue
        for label, value, note in rows:
            print(f"   {label:55s} {value:12.2f}   {note}", flush=True)
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
