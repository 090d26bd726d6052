"""Run every benchmark in bench/ (each `*.py` here but this one) and print what each reports.

    python bench/run.py [name ...]     # `make bench`; names without .py pick some of them

Each benchmark runs in its own process with this interpreter; extra arguments after `--` are
passed to every one of them (e.g. `python bench/run.py -- --broker kafka --events 500`). The machine and the
brokers' versions are printed once, first (bench/_harness.py).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names, extra = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if names:
        scripts = [p for p in scripts if p.stem in names]
        missing = set(names) - {p.stem for p in scripts}
        if missing:
            print(f"no such benchmark: {', '.join(sorted(missing))}", file=sys.stderr)
            return 2
    from _harness import print_header_once  # here: this folder is first on sys.path

    print_header_once()
    failures = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *extra], cwd=HERE.parent)
        took = time.perf_counter() - started
        print(f"== {script.stem}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {took:.1f} s\n", flush=True)
        if code:
            failures.append(script.stem)
    print(f"{len(scripts) - len(failures)}/{len(scripts)} benchmarks ran"
          + (f"; failed: {', '.join(failures)}" if failures else "")
          + "; load average at the end " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
