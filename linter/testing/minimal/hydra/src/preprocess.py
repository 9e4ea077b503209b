"""Data for the experiment: a synthetic classification task split into train and validation."""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loaders(cfg) -> tuple[DataLoader, DataLoader]:
    """Loaders over the samples the run's dataset section asks for, split 80/20."""
    rng = np.random.default_rng(int(cfg.training.seed))
    num_samples = int(cfg.dataset.num_samples)
    features = rng.normal(size=(num_samples, int(cfg.dataset.num_features))).astype("float32")
    labels = (features.sum(axis=1) > 0).astype("int64")
    split = int(0.8 * num_samples)
    train = TensorDataset(torch.from_numpy(features[:split]), torch.from_numpy(labels[:split]))
    val = TensorDataset(torch.from_numpy(features[split:]), torch.from_numpy(labels[split:]))
    batch_size = int(cfg.training.batch_size)
    return DataLoader(train, batch_size=batch_size, shuffle=True), DataLoader(val, batch_size=batch_size)
