"""Train one run, tuning the learning rate with Optuna, and log every metric to WandB."""
from __future__ import annotations

from pathlib import Path

import hydra
import optuna
import torch
import wandb
from hydra.utils import get_original_cwd
from omegaconf import DictConfig, OmegaConf
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


def fit(cfg: DictConfig, lr: float, log: bool) -> float:
    """Train with learning rate `lr`; return the best validation accuracy."""
    torch.manual_seed(int(cfg.training.seed))
    train_loader, val_loader = make_loaders(cfg)
    model = build_model(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    best = 0.0
    for epoch in range(int(cfg.training.epochs)):
        model.train()
        for step, (inputs, labels) in enumerate(train_loader):
            if cfg.mode == "trial" and step >= 2:
                break
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), labels)
            loss.backward()
            optimizer.step()
            if log:
                wandb.log({"train_loss": loss.item()})
        val_accuracy = accuracy(model, val_loader)
        best = max(best, val_accuracy)
        if log:
            wandb.log({"epoch": epoch, "val_accuracy": val_accuracy})
    return best


@hydra.main(config_path="../config", config_name="config", version_base=None)
def main(cfg: DictConfig) -> None:
    OmegaConf.set_struct(cfg, False)
    run_file = Path(get_original_cwd()) / "config" / "runs" / f"{cfg.run}.yaml"
    cfg = OmegaConf.merge(cfg, OmegaConf.load(run_file))
    if cfg.mode == "trial":
        cfg.wandb.mode = "disabled"
        cfg.optuna.n_trials = 0
        cfg.training.epochs = 1
    elif cfg.mode == "full":
        cfg.wandb.mode = "online"
    lr = float(cfg.training.lr)
    if int(cfg.optuna.n_trials) > 0:
        study = optuna.create_study(direction="maximize")
        study.optimize(
            lambda trial: fit(cfg, trial.suggest_float("lr", float(cfg.optuna.lr_low), float(cfg.optuna.lr_high), log=True), log=False),
            n_trials=int(cfg.optuna.n_trials),
        )
        lr = float(study.best_params["lr"])
    wandb.init(
        entity=cfg.wandb.entity,
        project=cfg.wandb.project,
        id=cfg.run_id,
        mode=cfg.wandb.mode,
        config=OmegaConf.to_container(cfg, resolve=True),
    )
    best = fit(cfg, lr, log=True)
    wandb.summary["best_val_accuracy"] = best
    wandb.summary["learning_rate"] = lr
    print(f"run {cfg.run_id}: best validation accuracy {best:.4f} (lr={lr:.5f})")
    wandb.finish()


if __name__ == "__main__":
    main()
