"""Benchmarks: corpus fidelity against real reviews, and speed against peers."""
