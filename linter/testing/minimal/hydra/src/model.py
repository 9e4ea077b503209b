"""Models of the experiment: one class per run variation."""
from __future__ import annotations

import torch
from torch import nn


class BaselineMLP(nn.Module):
    """The baseline: a two-layer perceptron."""

    def __init__(self, num_features: int, hidden: int, num_classes: int = 2) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(num_features, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.net(inputs)


class ProposedMLP(BaselineMLP):
    """The proposed method: input dropout plus a residual linear projection."""

    def __init__(self, num_features: int, hidden: int, num_classes: int = 2, dropout: float = 0.1) -> None:
        super().__init__(num_features, hidden, num_classes)
        self.dropout = nn.Dropout(dropout)
        self.skip = nn.Linear(num_features, num_classes)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.net(self.dropout(inputs)) + self.skip(inputs)


MODELS = {"baseline": BaselineMLP, "proposed": ProposedMLP}


def build_model(cfg) -> nn.Module:
    """The model class the run config names."""
    name = cfg.model.name
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    return MODELS[name](int(cfg.dataset.num_features), int(cfg.model.hidden))
