"""Data for the experiment: a synthetic classification task split into train and test."""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_datasets(run: dict) -> tuple[TensorDataset, TensorDataset]:
    """Draw the samples the run's dataset section asks for and split them 80/20."""
    rng = np.random.default_rng(int(run["training"]["seed"]))
    num_samples = int(run["dataset"]["num_samples"])
    num_features = int(run["dataset"]["num_features"])
    features = rng.normal(size=(num_samples, num_features)).astype("float32")
    labels = (features.sum(axis=1) > 0).astype("int64")
    split = int(0.8 * num_samples)
    train = TensorDataset(torch.from_numpy(features[:split]), torch.from_numpy(labels[:split]))
    test = TensorDataset(torch.from_numpy(features[split:]), torch.from_numpy(labels[split:]))
    return train, test


def make_loaders(run: dict) -> tuple[DataLoader, DataLoader]:
    train, test = make_datasets(run)
    batch_size = int(run["training"]["batch_size"])
    return DataLoader(train, batch_size=batch_size, shuffle=True), DataLoader(test, batch_size=batch_size)
