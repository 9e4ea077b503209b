"""Run every run of the smoke test or the full experiment, then evaluate them."""
from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


def _pump(stream, sinks) -> None:
    for line in iter(stream.readline, ""):
        for sink in sinks:
            sink.write(line)
            sink.flush()
    stream.close()


def run_logged(command: list[str], log_dir: Path) -> int:
    """Run a command; write its stdout/stderr to log_dir while forwarding them to ours."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "stdout.log", "w") as out, open(log_dir / "stderr.log", "w") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        pumps = [
            threading.Thread(target=_pump, args=(process.stdout, [out, sys.stdout])),
            threading.Thread(target=_pump, args=(process.stderr, [err, sys.stderr])),
        ]
        for pump in pumps:
            pump.start()
        for pump in pumps:
            pump.join()
        return process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the experiment.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--smoke-test", action="store_true", help="run every variation briefly")
    mode.add_argument("--full-experiment", action="store_true", help="run every variation in full")
    parser.add_argument("--results-dir", required=True, help="directory for all outputs")
    args = parser.parse_args()
    config_path = CONFIG_DIR / ("smoke_test.yaml" if args.smoke_test else "full_experiment.yaml")
    with open(config_path) as handle:
        config = yaml.safe_load(handle)
    results_dir = Path(args.results_dir)
    for run in config["runs"]:
        command = [
            sys.executable, "-m", "src.train",
            "--config", str(config_path),
            "--run-id", run["run_id"],
            "--results-dir", str(results_dir),
        ]
        status = run_logged(command, results_dir / run["run_id"])
        if status != 0:
            raise SystemExit(f"run {run['run_id']} failed with exit status {status}")
    status = run_logged([sys.executable, "-m", "src.evaluate", "--results-dir", str(results_dir)], results_dir / "evaluation")
    raise SystemExit(status)


if __name__ == "__main__":
    main()
