"""Measure time and peak memory of `kerslake validate` / `report` on large hostile XLSX files.

Usage::

    PYTHONPATH=src python benchmarks/measure_xlsx_memory.py [CASE ...] [--report] [--cap MB]

Each case (tests/data/bad/make_large.py) is written into a temporary folder and read
by ``kerslake validate`` (and with ``--report`` by ``kerslake report --register``) in a
fresh child process, under the bad-input corpus's mapping. Printed per run: the file's
size, its unzipped size, the exit status, wall seconds, the child's peak RSS
(``ru_maxrss``, reaped grandchildren included) and the first line of its output.
``--cap`` limits the child's address space (RLIMIT_AS) as the tests do; ``--src`` measures
another copy of the package (e.g. an earlier commit's ``src`` from ``git archive``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
MAPPING = BAD / "registers" / "mapping.toml"
_spec = importlib.util.spec_from_file_location("make_large", BAD / "make_large.py")
make_large = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_large)

CASES = {
    "shared_strings_150mb": lambda p: make_large.shared_strings(p, 150),
    "shared_strings_150mb_undeclared": lambda p: make_large.shared_strings(p, 150, False),
    "numbers_99999x30": lambda p: make_large.numbers(p),
    "numbers_99999x30_declared_A1:H4": lambda p: make_large.numbers(p, dimension="A1:H4"),
    "long_texts_99999x2x1000": lambda p: make_large.long_texts(p),
    "long_texts_99999x2x500": lambda p: make_large.long_texts(p, characters=500),
    "many_styles_1m": lambda p: make_large.many_styles(p),
}


def run(
    args: list[str], cap_mb: int | None, timeout: float, src: Path = ROOT / "src"
) -> tuple[int, float, float, str]:
    """Run ``args``; return (status, seconds, peak RSS MiB, first output line)."""

    def limit() -> None:
        if cap_mb:
            cap = cap_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1"}
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=limit
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                status = -9
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
        out.seek(0)
        lines = [line for line in out.read().splitlines() if line.strip()]
    code = os.waitstatus_to_exitcode(status) if status != -9 else "timeout"
    return code, seconds, usage.ru_maxrss / 1024, " / ".join(lines[:2])[:200]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="*", default=list(CASES))
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--cap", type=int, default=None, help="address-space cap, MB")
    parser.add_argument("--timeout", type=float, default=400)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the package to measure")
    options = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        for case in options.cases:
            folder = Path(tmp) / case.replace(":", "_")
            folder.mkdir()
            path = folder / "2018-08.xlsx"
            CASES[case](path)
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
            print(f"{case}: {path.stat().st_size / 1e6:.1f} MB, unzipped {unpacked / 1e6:.1f} MB")
            commands = {"validate": ["validate", str(folder), "--mapping", str(MAPPING)]}
            if options.report:
                commands["report"] = [
                    "report",
                    "--register",
                    str(folder),
                    "--mapping",
                    str(MAPPING),
                    "--out",
                    str(Path(tmp) / "out"),
                    "--quiet",
                ]
            for name, args in commands.items():
                code, seconds, rss, line = run(
                    [python, "-m", "kerslake_analysis.cli", *args],
                    options.cap,
                    options.timeout,
                    options.src,
                )
                print(f"  {name}: exit {code}, {seconds:.1f} s, peak RSS {rss:.0f} MiB | {line}")
            path.unlink()


if __name__ == "__main__":
    main()
