"""Fuzz the readers, the flat-digit splitter and the question parser for minutes, not seconds.

    .venv/bin/python benchmarks/fuzz.py [--seconds 120] [--jobs 2] [--engine auto|atheris|hypothesis]

The targets are those of ``tests/reliability/test_fuzz.py``, under the same properties: four
corpus-seeded byte targets (``bytes:read_bytes`` sniffs; ``bytes:txt`` … call one reader) and
every Hypothesis test there, fed input by input through ``fuzz_one_input``; and the variant
generator's property test (``variants:…``, ``tests/ingest/test_variants.py``: every gold report
rendered in a random text layout, line end and encoding reads back exactly). With atheris
installed (``.venv/bin/pip install atheris``) libFuzzer mutates the inputs, guided by coverage of
``ingest``/``answer``/``retrieval``; without it each input is random: a corpus file mutated, or
random bytes that Hypothesis decodes into a structured input.

Each target runs in its own process for an equal share of ``--seconds``, ``--jobs`` at a time.
The readers run under the service's reading budget (``nianbao.settings.Budget``, defaults or
``NIANBAO_BUDGET__*``): each byte input goes through ``parse_file`` with it, as an upload would in
its reading process, and the worker runs under that process's limits: an input running over
``parse_seconds`` is a hang, and the worker's address space is capped at what it uses before
the first input plus ``parse_memory_bytes``, so an input needing more is a ``MemoryError``. Either
is a crash: the counts inside the readers should stop every input before the reading process's
limits have to. A worker outliving its share by ``GRACE_SECONDS`` is killed, and the input it was
on is kept. Prints inputs tried, the slowest input, the worker's peak RSS and crashes per target
(a crash is any unexpected exception or broken property, counted once per place), saves each
crash's input under ``--out``, and exits 1 if anything crashed. Replay a saved input with
``--replay TARGET FILE``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name hides the package.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from nianbao.settings import Settings  # noqa: E402 - after the path is set

RAW = ROOT.parent / "shared" / "corpus" / "raw"
BYTE_TARGETS: dict[str, str | None] = {
    "bytes:read_bytes": None,
    "bytes:txt": "txt",
    "bytes:html": "html",
    "bytes:docx": "docx",
    "bytes:pdf": "pdf",
}
BUDGET = Settings().budget  # the defaults, or NIANBAO_BUDGET__* from the environment
PER_INPUT_SECONDS = BUDGET.parse_seconds
GRACE_SECONDS = 30 + PER_INPUT_SECONDS
_INSTRUMENTED = ["ingest", "answer", "retrieval"]


class _Hang(BaseException):
    """Raised by the alarm inside a slow input; a BaseException, so no reader's except catches it."""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=120, help="total time bound (default 120)")
    parser.add_argument("--jobs", type=int, default=2, help="targets fuzzed at once (default 2)")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument(
        "--out", type=Path, default=None, help="where crash inputs go (default: a new temp dir)"
    )
    parser.add_argument("--only", default="", help="fuzz only targets whose name contains this")
    parser.add_argument("--replay", nargs=2, metavar=("TARGET", "FILE"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:
        sys.exit(_replay(*args.replay))
    if args.worker:
        _worker(args.worker, args.until, args.engine, args.out)
        return
    engine = _engine(args.engine)
    out = args.out or Path(tempfile.mkdtemp(prefix="nianbao-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    targets = [t for t in _targets() if args.only in t]
    results = _run_all(targets, engine, args.seconds, max(args.jobs, 1), out)
    sys.exit(_print_report(results, engine, args.seconds, args.jobs, out))


def _engine(choice: str) -> str:
    installed = importlib.util.find_spec("atheris") is not None
    if choice == "atheris" and not installed:
        sys.exit("atheris is not installed: .venv/bin/pip install atheris, or use --engine hypothesis")
    return "atheris" if choice == "atheris" or (choice == "auto" and installed) else "hypothesis"


#: Modules whose Hypothesis tests are targets, by the prefix their target names carry.
TEST_MODULES = {"": "tests.reliability.test_fuzz", "variants:": "tests.ingest.test_variants"}


def _targets() -> list[str]:
    import importlib

    tests = []
    for prefix, module in TEST_MODULES.items():
        found = vars(importlib.import_module(module)).items()
        tests += sorted(prefix + n for n, f in found if hasattr(f, "hypothesis") and n.startswith("test_"))
    return [*BYTE_TARGETS, *tests]


def _test(target: str) -> Callable[[bytes], object]:
    """A Hypothesis test target as a function of bytes (see ``TEST_MODULES``)."""
    import importlib

    prefix, _, name = target.rpartition(":")
    module = importlib.import_module(TEST_MODULES[prefix + ":" if prefix else ""])
    return getattr(module, name).hypothesis.fuzz_one_input


# --- the parent: schedule workers, collect what they found ---------------------------------------


def _run_all(targets: list[str], engine: str, seconds: float, jobs: int, out: Path) -> dict[str, dict]:
    """Run every target in a worker for an equal share of ``seconds``, ``jobs`` at a time."""
    share = seconds * jobs / max(len(targets), 1)
    pending = list(targets)
    running: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
    results: dict[str, dict] = {}
    while pending or running:
        while pending and len(running) < jobs:
            target = pending.pop(0)
            until = time.time() + share
            running[target] = (_launch(target, until, engine, out), until)
        time.sleep(0.2)
        for target, (proc, until) in list(running.items()):
            if proc.poll() is None and time.time() < until + GRACE_SECONDS:
                continue
            killed = proc.poll() is None
            if killed:
                proc.kill()  # our own child, by its handle
            proc.wait()
            results[target] = _collect(target, out, proc.returncode, killed)
            del running[target]
    return results


def _launch(target: str, until: float, engine: str, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", target, "--until", str(until)]
    command += ["--engine", engine, "--out", str(out)]
    log = (out / f"{_safe(target)}.log").open("wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def _collect(target: str, out: Path, returncode: int, killed: bool) -> dict:
    """The worker's report; a worker that died or had to be killed is a crash of its own."""
    path = out / f"{_safe(target)}.json"
    result = json.loads(path.read_text()) if path.exists() else {"tried": 0, "valid": 0, "crashes": []}
    if killed or not result.get("done"):
        kept = out / f"{_safe(target)}.hang"
        current = out / f"{_safe(target)}.current"
        if current.exists():
            shutil.copyfile(current, kept)
        log = (out / f"{_safe(target)}.log").read_text(errors="replace").strip().splitlines()[-5:]
        reason = "killed: outlived its share (a hang)" if killed else f"died with exit code {returncode}"
        result["crashes"].append(
            {
                "kind": "WorkerDied",
                "where": reason,
                "message": " | ".join(log)[-600:],
                "input": str(kept) if current.exists() else "",
                "count": 1,
            }  # fmt: skip
        )
    return result


def _print_report(results: dict[str, dict], engine: str, seconds: float, jobs: int, out: Path) -> int:
    described = _engine_description(engine)
    share = seconds * jobs / max(len(results), 1)
    print(f"engine: {described}; {seconds:.0f} s on {jobs} jobs, {len(results)} targets x {share:.1f} s")
    print(
        f"budget per input: {BUDGET.parse_seconds:g} s, {BUDGET.parse_memory_bytes / 2**20:.0f} MiB "
        "(over either is a crash)"
    )
    print(f"{'target':<58} {'inputs':>8} {'decoded':>8} {'slowest':>8} {'peak':>8} {'crashes':>7}")
    for target, result in results.items():
        decoded = "" if target in BYTE_TARGETS else str(result["valid"])
        slowest = f"{result.get('slowest', 0):.2f} s"
        peak = f"{result.get('peak_mib', 0)} MiB"
        crashed = len(result["crashes"])
        print(f"{target:<58} {result['tried']:>8} {decoded:>8} {slowest:>8} {peak:>8} {crashed:>7}")
    crashes = [(t, c) for t, r in results.items() for c in r["crashes"]]
    total = sum(r["tried"] for r in results.values())
    slowest = max((r.get("slowest", 0) for r in results.values()), default=0)
    print(f"{'total':<58} {total:>8} {'':>8} {slowest:>6.2f} s {'':>8} {len(crashes):>7}")
    for target, crash in crashes:
        print(f"\nCRASH {target}: {crash['kind']} at {crash['where']} (x{crash['count']})")
        print(f"  {crash['message']}")
        if crash["input"]:
            print(
                f"  input: {crash['input']}  (replay: benchmarks/fuzz.py --replay {target} {crash['input']})"
            )
    print(f"\nlogs and inputs: {out}")
    return 1 if crashes else 0


def _engine_description(engine: str) -> str:
    if engine == "atheris":
        return f"atheris {version('atheris')} (libFuzzer, coverage-guided)"
    return "hypothesis (random inputs decoded by Hypothesis, no coverage guidance)"


# --- the worker: one target until its deadline ---------------------------------------------------


class _Run:
    """Runs inputs through one target, recording each distinct crash once, with its input."""

    def __init__(self, target: str, out: Path) -> None:
        self.target, self.out = target, out
        self.tried = self.valid = 0
        self.slowest = 0.0
        self.crashes: dict[str, dict] = {}
        self.saved_at = 0.0
        self.current = os.open(out / f"{_safe(target)}.current", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)

    def one(self, fn: Callable[[bytes], object], data: bytes) -> None:
        self.tried += 1
        os.ftruncate(self.current, 0)
        os.pwrite(self.current, data, 0)
        signal.setitimer(signal.ITIMER_REAL, PER_INPUT_SECONDS)
        started = time.perf_counter()
        try:
            if fn(data) is not None:
                self.valid += 1
        except _Hang as exc:
            self._record("Hang", _where(exc), f"one input ran over the {PER_INPUT_SECONDS:g} s budget", data)
        except MemoryError as exc:
            self._record("MemoryError", _where(exc), "one input needed more than the memory budget", data)
        except Exception as exc:  # noqa: BLE001 - anything escaping the property is what a fuzzer finds
            self._record(type(exc).__name__, _where(exc), f"{exc}", data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.slowest = max(self.slowest, time.perf_counter() - started)
        if time.monotonic() - self.saved_at > 2:
            self.save(done=False)

    def _record(self, kind: str, where: str, message: str, data: bytes) -> None:
        key = f"{kind} {where}"
        if key in self.crashes:
            self.crashes[key]["count"] += 1
            return
        path = self.out / f"crash-{_safe(self.target)}-{hashlib.sha256(data).hexdigest()[:12]}"
        path.write_bytes(data)
        self.crashes[key] = {
            "kind": kind,
            "where": where,
            "message": message[:600],
            "input": str(path),
            "count": 1,
        }
        self.save(done=False)

    def save(self, done: bool) -> None:
        report = {
            "tried": self.tried,
            "valid": self.valid,
            "slowest": round(self.slowest, 3),
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "crashes": list(self.crashes.values()),
            "done": done,
        }
        (self.out / f"{_safe(self.target)}.json").write_text(json.dumps(report, ensure_ascii=False))
        self.saved_at = time.monotonic()


def _worker(target: str, until: float, engine: str, out: Path) -> None:
    signal.signal(signal.SIGALRM, _on_alarm)
    fn = _load(target, instrument=engine == "atheris")
    limit = _address_space() + BUDGET.parse_memory_bytes  # what the worker is, plus one input's budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    run = _Run(target, out)
    deadline = time.monotonic() + (until - time.time())
    if engine == "atheris":
        _fuzz_atheris(run, fn, target, deadline)
    else:
        _fuzz_random(run, fn, target, deadline)
    run.save(done=True)


def _address_space() -> int:
    """This process's virtual size now (bytes)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _on_alarm(signum: int, frame: object) -> None:
    raise _Hang


def _load(target: str, instrument: bool) -> Callable[[bytes], object]:
    """The target as a function of bytes: None for an input Hypothesis could not decode."""
    if instrument:
        import atheris

        with atheris.instrument_imports(include=_INSTRUMENTED):
            from tests.reliability import test_fuzz
    else:
        from tests.reliability import test_fuzz
    if target in BYTE_TARGETS:
        reader = BYTE_TARGETS[target]
        return lambda data: test_fuzz.check_ingest(data, reader, BUDGET)
    return _test(target)


def _fuzz_atheris(run: _Run, fn: Callable[[bytes], object], target: str, deadline: float) -> None:
    import atheris

    seeds_dir = Path(tempfile.mkdtemp(prefix="seeds-", dir=run.out))
    for i, seed in enumerate(_seeds(target)):
        (seeds_dir / f"seed{i}").write_bytes(seed)
    argv = [sys.argv[0], f"-max_total_time={int(deadline - time.monotonic()) + 5}", "-timeout=0",
            "-rss_limit_mb=4096", f"-artifact_prefix={run.out}/", "-print_final_stats=1"]  # fmt: skip
    if target not in BYTE_TARGETS:
        argv.append("-max_len=16384")  # room for Hypothesis to draw a big structured input

    def callback(data: bytes) -> None:
        if time.monotonic() > deadline:
            run.save(done=True)
            shutil.rmtree(seeds_dir, ignore_errors=True)
            os._exit(0)  # libFuzzer never returns; this is how a run ends on time
        run.one(fn, data)

    atheris.Setup([*argv, str(seeds_dir)], callback)
    atheris.Fuzz()


def _fuzz_random(run: _Run, fn: Callable[[bytes], object], target: str, deadline: float) -> None:
    rng = random.Random()
    seeds = _seeds(target)
    while time.monotonic() < deadline:
        if seeds and rng.random() < 0.9:
            data = _mutate(rng, rng.choice(seeds), seeds)
        else:
            data = rng.randbytes(rng.choice((16, 256, 4096, 16384)))
        run.one(fn, data)


def _seeds(target: str) -> list[bytes]:
    """Corpus files in the target's format (all formats for the sniffing reader); none for the
    Hypothesis targets, which carry the corpus in their own strategies."""
    if target not in BYTE_TARGETS:
        return []
    reader = BYTE_TARGETS[target]
    suffixes = (f".{reader}",) if reader else (".txt", ".html", ".docx", ".pdf")
    return [p.read_bytes() for p in sorted(RAW.iterdir()) if p.suffix in suffixes] + _hostile(reader)


def _hostile(reader: str | None) -> list[bytes]:
    """Hostile seeds (tests/reliability/hostile.py), small enough to mutate: bombs, page trees
    over the budget (one that understates its count), a slow page, a long one-line text."""
    from tests.reliability.hostile import many_pages_pdf, one_line_txt, pdf_bomb, slow_pdf

    pdfs = [pdf_bomb(20 << 20), pdf_bomb(2 << 20), pdf_bomb(200 << 20, filters=2), many_pages_pdf(400),
            many_pages_pdf(400, declared=1), slow_pdf(20_000)]  # fmt: skip
    texts = [one_line_txt(3 << 20)]
    return {"pdf": pdfs, "txt": texts, None: pdfs + texts}.get(reader, [])


def _mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    """One to four truncations, byte flips, chunks deleted, duplicated or spliced from a seed."""
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(buffer) + 1)
        size = rng.choice((1, 8, 64, 512, 4096))
        op = rng.choice(("truncate", "flip", "delete", "duplicate", "insert", "splice"))
        if op == "truncate":
            del buffer[at:]
        elif op == "flip" and buffer:
            buffer[min(at, len(buffer) - 1)] ^= rng.randrange(1, 256)
        elif op == "delete":
            del buffer[at : at + size]
        elif op == "duplicate":
            buffer[at:at] = buffer[at : at + size]
        elif op == "insert":
            buffer[at:at] = rng.randbytes(size)
        else:
            other = rng.choice(seeds)
            start = rng.randrange(len(other) + 1)
            buffer[at:] = other[start : start + rng.randrange(len(other) + 1)]
    return bytes(buffer)


# --- replay and helpers ---------------------------------------------------------------------------


def _replay(target: str, file: str) -> int:
    fn = _load(target, instrument=False)
    try:
        outcome = fn(Path(file).read_bytes())
    except Exception:  # noqa: BLE001 - replaying a crash: show whatever escapes, exit 1
        traceback.print_exc()
        return 1
    undecoded = outcome is None and target not in BYTE_TARGETS
    print(f"no crash ({'Hypothesis could not decode the input' if undecoded else outcome})")
    return 0


def _where(exc: BaseException) -> str:
    """The innermost frame of the project's code (not a library's, not this file's) the exception
    passed through: where two crashes are the same crash."""
    this = str(Path(__file__).resolve())
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(str(ROOT)) and "/.venv/" not in f.filename and f.filename != this
    ]
    if not frames:
        return "?"
    last = frames[-1]
    return f"{Path(last.filename).relative_to(ROOT)}:{last.lineno} {last.name}"


def _safe(target: str) -> str:
    return target.replace(":", "-")


if __name__ == "__main__":
    main()
