"""Evaluate runs from WandB: `python -m src.evaluate results_dir=<dir> run_ids='["a", "b"]'`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import wandb
from omegaconf import OmegaConf

PRIMARY_METRIC = "best_val_accuracy"


def parse_arguments(words: list[str]) -> dict:
    """key=value words, as the documented command line passes them."""
    values = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise SystemExit(f"expected key=value, got {word!r}")
        values[key] = value
    return values


def plot_run(run_id: str, history, out_dir: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(history["epoch"], history["val_accuracy"], marker="o", label=run_id)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / f"{run_id}_learning_curve.pdf")
    plt.close(fig)


def plot_comparison(values: dict, out_dir: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    bars = ax.bar(list(values), list(values.values()), label=PRIMARY_METRIC)
    ax.bar_label(bars, fmt="%.3f")
    ax.set_ylabel(PRIMARY_METRIC)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "comparison_best_val_accuracy_bar_chart.pdf")
    plt.close(fig)


def main() -> None:
    args = parse_arguments(sys.argv[1:])
    results_dir = Path(args["results_dir"])
    run_ids = json.loads(args["run_ids"])
    cfg = OmegaConf.load("config/config.yaml")
    api = wandb.Api()
    primary = {}
    for run_id in run_ids:
        run = api.run(f"{cfg.wandb.entity}/{cfg.wandb.project}/{run_id}")
        history = run.history(keys=["epoch", "val_accuracy"])
        summary = run.summary._json_dict
        run_dir = results_dir / run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        metrics = {"best_val_accuracy": summary["best_val_accuracy"], "final_val_accuracy": float(history["val_accuracy"].iloc[-1])}
        with open(run_dir / "metrics.json", "w") as handle:
            json.dump(metrics, handle, indent=2)
        print(json.dumps({"run_id": run_id, **metrics}))
        plot_run(run_id, history, run_dir)
        primary[run_id] = metrics[PRIMARY_METRIC]
    proposed = {k: v for k, v in primary.items() if "proposed" in k}
    baselines = {k: v for k, v in primary.items() if "comparative" in k or "baseline" in k}
    best_proposed = max(proposed, key=proposed.get)
    best_baseline = max(baselines, key=baselines.get)
    gap = (proposed[best_proposed] - baselines[best_baseline]) / baselines[best_baseline] * 100
    comparison_dir = results_dir / "comparison"
    comparison_dir.mkdir(parents=True, exist_ok=True)
    aggregated = {
        "primary_metric": PRIMARY_METRIC,
        "metrics": {PRIMARY_METRIC: primary},
        "best_proposed": {"run_id": best_proposed, "value": proposed[best_proposed]},
        "best_baseline": {"run_id": best_baseline, "value": baselines[best_baseline]},
        "gap": gap,
    }
    with open(comparison_dir / "aggregated_metrics.json", "w") as handle:
        json.dump(aggregated, handle, indent=2)
    print(json.dumps(aggregated))
    plot_comparison(primary, comparison_dir)


if __name__ == "__main__":
    main()
