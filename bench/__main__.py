"""Run the benchmarks: `python -m bench [name ...]`.

Each module `bench/bench_<name>.py` defines `run() -> list[Metric]`. Results are written as
JSON to `bench/results/<name>.json` and summarised in a table (also `bench/results/summary.md`).
A metric that misses its target makes the run exit non-zero.
"""

import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path

from bench.common import RESULTS_DIR, Metric


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )


def table(rows: list[tuple[str, Metric]]) -> str:
    lines = ["| bench | metric | value | target | ok |", "|---|---|---|---|---|"]
    for bench, m in rows:
        value = f"{m.value:,.2f} {m.unit}".strip()
        ok = "yes" if m.ok else ("NO" if m.ok is False else "-")
        lines.append(f"| {bench} | {m.name} | {value} | {m.target or '-'} | {ok} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    names = argv or discover()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, Metric]] = []
    failed = False
    for name in names:
        print(f"== bench {name}", flush=True)
        started = time.time()
        try:
            module = importlib.import_module(f"bench.bench_{name}")
            metrics = module.run()
        except Exception:
            traceback.print_exc()
            failed = True
            continue
        payload = {
            "bench": name,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "seconds": round(time.time() - started, 1),
            "metrics": [m.as_dict() for m in metrics],
        }
        (RESULTS_DIR / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
        rows.extend((name, m) for m in metrics)
        failed = failed or any(m.ok is False for m in metrics)
    summary = table(rows)
    (RESULTS_DIR / "summary.md").write_text(summary + "\n")
    print("\n" + summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
