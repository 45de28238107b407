"""CLI start-up: commands that do no search, and a one-shot `ask` on each embedding backend.

    .venv/bin/python bench/startup.py [--runs 5]

Each command runs as a fresh process (`python -m bot.cli.main ...`), --runs times, and the
median wall time is reported. `stats` and `sources list` read a data dir holding the sample
articles. One-shot `newsdesk ask` runs against two data dirs with the same samples, one
indexed with the torch backend (the baseline) and one with the default backend; the goal is
<= 0.4x of torch. The ONNX export is made before timing (bench/.cache/models), as it is once
per installation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import MODEL_CACHE, machine, warm_embedder
from retrieval.embeddings import default_backend

QUESTION = "What is on the Nara summit agenda?"


def timed(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of ``newsdesk COMMAND`` as a new process."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli.main", *command], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    default = default_backend()
    warm_embedder(default)  # the export exists before anything is timed
    with tempfile.TemporaryDirectory() as tmp:
        envs = {}
        for backend in ("torch", default):
            envs[backend] = {**os.environ, "NEWSDESK_DATA_DIR": str(Path(tmp) / backend),
                             "NEWSDESK_EMBEDDING_BACKEND": backend,
                             "NEWSDESK_MODEL_CACHE_DIR": str(MODEL_CACHE)}
            subprocess.run([sys.executable, "-m", "bot.cli.main", "ingest", "--samples"],
                           env=envs[backend], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        env = envs[default]
        results = {
            "--help": timed(["--help"], env, args.runs),
            "stats": timed(["stats"], env, args.runs),
            "sources list": timed(["sources", "list"], env, args.runs),
            "ask (torch)": timed(["ask", QUESTION], envs["torch"], args.runs),
            f"ask ({default})": timed(["ask", QUESTION], env, args.runs),
        }
    print(json.dumps({
        "machine": machine(), "runs": args.runs,
        "median_seconds": {name: round(value, 2) for name, value in results.items()},
        "ask_to_torch": round(results[f"ask ({default})"] / results["ask (torch)"], 2),
    }, indent=2))


if __name__ == "__main__":
    main()
