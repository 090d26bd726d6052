"""Memory at rest (issue 16, "Lighter at rest"): the PSS of every process of `make run`, idle, beside the target.

    python bench/memory_at_rest.py [--idle SECONDS]      # or `make bench` (bench/run.py)

Starts the hub exactly as `make run` does (scripts/run_hub.py, as a subprocess: honcho and the Procfile), with a
temporary HUB_VAR_DIR and free ports so it never meets a developer's running hub, waits until every process is
ready and the demo consortium is loaded (run_hub.py's banner), lets it idle, then sums PSS
(/proc/<pid>/smaps_rollup) over the launcher's whole process tree, by kind of process, and prints a Markdown table
with the total beside the target (1 GiB) and the figure before issue 16's work (about 1.2 GiB). Then it stops
everything: SIGTERM to the launcher (which stops honcho, which stops its processes), and SIGKILL to any process of
the tree still alive after that. This process is the tree's subreaper, so a process orphaned on the way (e.g. by a
killed honcho) is still found and killed.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import print_header_once, print_markdown  # bench/ is first on sys.path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MIB = 1024.0
BEFORE_MIB = 1.2 * 1024  # measured before issue 16, part 5: about 1.2 GiB (PSS)
BANNER = "Consortium Hub is running at"
SERVICES = ("membership", "contracts", "finance", "governance")
PORT_NAMES = ("gateway", *SERVICES)
PR_SET_CHILD_SUBREAPER = 36


# --- the process tree ------------------------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time in clock ticks) of pid, or None when it is gone (or a zombie, ended)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    return None if fields[0] in ("Z", "X") else (int(fields[1]), int(fields[19]))


def _alive(pid: int, start: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] == start


def _reap() -> None:
    """Collect the ended orphans this subreaper inherited (zombies until then)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def descendants(root: int) -> dict[int, int]:
    """Every process under root (not root itself): pid -> start time (so a reused pid is never mistaken for it)."""
    parents: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat:
                parents.setdefault(stat[0], []).append(int(entry.name))
                starts[int(entry.name)] = stat[1]
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), ()):
            if child not in found:
                found[child] = starts[child]
                todo.append(child)
    return found


def cmdline(pid: int) -> list[str]:
    with contextlib.suppress(OSError):
        return [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    return []


def pss_kib(pid: int) -> int:
    """Proportional set size of pid in KiB (shared pages divided between the processes sharing them); 0 if gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def kind_of(pid: int) -> str:
    """What a process of the hub is: broker, <service> web master / web worker, <service> worker, gateway…, honcho."""
    args = cmdline(pid)
    if not args:
        return "ended"
    text, program = " ".join(args), Path(args[0]).name
    parent = _stat(pid)
    parent_args = cmdline(parent[0]) if parent else []
    if program in ("sh", "dash", "bash"):
        return "shell (honcho's sh -c)"
    if "tansu" in program:
        return "broker (Tansu)"
    if "hubkit.broker" in text:
        return "broker (python wrapper)"
    if "honcho" in text:
        return "honcho"
    if "run_hub.py" in text:
        return "launcher (run_hub.py)"
    for name in (*SERVICES, "gateway"):
        if f"{name}.app:create_app" in text:  # gunicorn: a worker is forked by its master, itself a python process
            forked = bool(parent_args) and Path(parent_args[0]).name.startswith("python") \
                and "gunicorn" in parent_args
            return f"{name} web {'worker' if forked else 'master'}"
        if f"-m {name} worker" in text:
            return f"{name} worker"
    return f"other: {text[:60]}"


def become_subreaper() -> None:
    """Orphans of the tree below this process are re-parented to it, not to init, so they can still be found."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def kill_tree(launcher: subprocess.Popen, known: dict[int, int], grace: float = 25.0) -> list[int]:
    """Stop the launcher as Ctrl-C would (SIGTERM: it stops honcho, which stops the rest); then SIGKILL whatever of
    the tree is still alive (known from earlier looks, or found now under this process). Returns the pids killed."""
    if launcher.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            launcher.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            launcher.wait(timeout=grace)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        _reap()
        if not any(_alive(pid, start) for pid, start in {**known, **descendants(os.getpid())}.items()):
            break
        time.sleep(0.2)
    killed = []
    for pid, start in {**known, **descendants(os.getpid())}.items():
        if _alive(pid, start):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
    time.sleep(0.2)
    _reap()
    return killed


# --- starting the hub as `make run` does -----------------------------------------------------------------------------

def hub_environment(var: Path) -> dict[str, str]:
    """This interpreter's environment, with the hub's own settings replaced: a fresh var folder and free ports."""
    from hubkit.broker import free_port

    env = {k: v for k, v in os.environ.items()
           if not (k.endswith(("_PORT", "_URL", "_DATABASE_URL")) or k.startswith(("HUB_", "KAFKA_", "GATEWAY_", "WEB_")) or k == "MALLOC_ARENA_MAX")}
    env["HUB_VAR_DIR"] = str(var)
    env["KAFKA_PORT"] = str(free_port())
    for name in PORT_NAMES:
        env[f"{name.upper()}_PORT"] = str(free_port())
    return env


def wait_for_banner(launcher: subprocess.Popen, log: Path, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if BANNER in log.read_text(errors="replace"):
            return time.monotonic() - started
        if launcher.poll() is not None:
            raise RuntimeError(f"run_hub.py stopped (exit {launcher.returncode}) before the hub was up")
        time.sleep(0.5)
    raise RuntimeError(f"the hub was not up with its demo data within {timeout:.0f} s")


def measure(tree: dict[int, int]) -> list[tuple[str, int, int]]:
    """(kind, pid, PSS KiB) of each process of the tree, by kind."""
    rows = [(kind_of(pid), pid, pss_kib(pid)) for pid in tree]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def print_table(rows: list[tuple[str, int, int]], started_s: float, idle_s: float) -> float:
    by_kind: dict[str, list[int]] = {}
    for kind, _pid, kib in rows:
        by_kind.setdefault(kind, []).append(kib)
    total = sum(kib for *_, kib in rows) / 1024
    table = [("process", "count", "PSS")]
    table += [(kind, str(len(kibs)), f"{sum(kibs) / 1024:,.1f} MiB") for kind, kibs in by_kind.items()]
    groups: dict[str, int] = {}  # per service: web master + workers + worker
    for kind, _pid, kib in rows:
        first = kind.split()[0]
        if first in (*SERVICES, "gateway"):
            groups[first] = groups.get(first, 0) + kib
    table += [(f"{name} (web + worker)" if name != "gateway" else "gateway (all)", "", f"{kib / 1024:,.1f} MiB")
              for name, kib in groups.items()]
    verdict = "met" if total <= TARGET_MIB else "NOT met"
    table += [("**total**", str(len(rows)), f"**{total:,.1f} MiB ({total / 1024:.2f} GiB)**"),
              ("target", "", f"<= {TARGET_MIB:,.0f} MiB (1 GiB): {verdict}"),
              ("before (issue 16)", "", f"~{BEFORE_MIB:,.0f} MiB (1.2 GiB)")]
    print_markdown(f"Memory at rest: every process of `make run` (PSS, /proc/<pid>/smaps_rollup), up and demo data "
                   f"loaded in {started_s:.0f} s, then idle {idle_s:.0f} s", table[0], table[1:])
    return total


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--idle", type=float, default=10.0, help="seconds to let the hub idle before measuring")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds allowed for start and demo data")
    p.add_argument("--processes", action="store_true", help="also list every process with its PSS")
    args, unknown = p.parse_known_args(argv)
    if unknown:
        print(f"({p.prog}: ignoring {' '.join(unknown)})", file=sys.stderr)
    print_header_once()
    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="hub-bench-memory-") as tmp:
        var, log = Path(tmp) / "var", Path(tmp) / "run_hub.log"
        env = hub_environment(var)
        known: dict[int, int] = {}
        with open(log, "wb") as out:
            launcher = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_hub.py")], cwd=ROOT, env=env,
                                        stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        previous = {signal.SIGTERM: signal.getsignal(signal.SIGTERM), signal.SIGINT: signal.getsignal(signal.SIGINT)}

        def interrupted(signum, _frame):
            raise KeyboardInterrupt(f"signal {signum}")

        signal.signal(signal.SIGTERM, interrupted)
        try:
            started_s = wait_for_banner(launcher, log, args.timeout)
            known.update(descendants(launcher.pid))
            time.sleep(args.idle)
            tree = {launcher.pid: _stat(launcher.pid)[1], **descendants(launcher.pid)}
            known.update(tree)
            rows = measure(tree)
            if args.processes:
                for kind, pid, kib in rows:
                    print(f"  {pid:>7} {kib / 1024:8.1f} MiB  {kind:28} {' '.join(cmdline(pid))[:100]}")
            print_table(rows, started_s, args.idle)
        except BaseException:
            lines = log.read_text(errors="replace").splitlines() if log.exists() else []
            errors = [line for line in lines if "Error" in line or "stopped (rc=" in line][:20]
            print("run_hub.py's errors and stops:\n" + "\n".join(errors), file=sys.stderr)
            print("run_hub.py's last lines:\n" + "\n".join(lines[-40:]), file=sys.stderr)
            raise
        finally:
            killed = kill_tree(launcher, known)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if killed:
                print(f"(killed {len(killed)} process(es) still alive after the launcher stopped: {killed})",
                      file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
