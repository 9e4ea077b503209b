"""Compare the runs: read each run's results.json, print the numbers, save PDF figures."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def load_results(results_dir: Path) -> dict:
    results = {}
    for path in sorted(results_dir.glob("*/results.json")):
        with open(path) as handle:
            data = json.load(handle)
        results[data["run_id"]] = data
    return results


def plot_learning_curves(results: dict, images_dir: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    for run_id, data in results.items():
        epochs = [row["epoch"] for row in data["history"]]
        values = [row["test_accuracy"] for row in data["history"]]
        ax.plot(epochs, values, marker="o", label=run_id)
        ax.annotate(f"{values[-1]:.3f}", (epochs[-1], values[-1]))
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy")
    ax.legend()
    fig.tight_layout()
    path = images_dir / "test_accuracy.pdf"
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Evaluate and compare all runs.")
    parser.add_argument("--results-dir", required=True, help="directory holding one folder per run")
    args = parser.parse_args()
    results_dir = Path(args.results_dir)
    results = load_results(results_dir)
    if not results:
        raise SystemExit(f"no results.json under {results_dir}")
    images_dir = results_dir / "images"
    images_dir.mkdir(parents=True, exist_ok=True)
    print("Experiment: baseline MLP against the MLP with input dropout and a residual projection.")
    summary = {run_id: data["best_test_accuracy"] for run_id, data in results.items()}
    print(json.dumps(summary))
    figure = plot_learning_curves(results, images_dir)
    print(f"figure: {figure.name}")
    with open(results_dir / "summary.json", "w") as handle:
        json.dump(summary, handle, indent=2)


if __name__ == "__main__":
    main()
