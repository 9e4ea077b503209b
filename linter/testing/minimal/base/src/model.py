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


# MODEL_PLACEHOLDER: derived experiments register the models of their run variations here.
MODELS = {"baseline": BaselineMLP, "proposed": ProposedMLP}


def build_model(run: dict) -> nn.Module:
    """The model class the run's `model.name` names."""
    name = run["model"]["name"]
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    return MODELS[name](int(run["dataset"]["num_features"]), int(run["model"]["hidden"]))
