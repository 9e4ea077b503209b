"""Launch one run: `python -m src.main run=<run_id> results_dir=<dir> mode=trial|full`."""
from __future__ import annotations

import subprocess
import sys

import hydra
from hydra.utils import get_original_cwd
from omegaconf import DictConfig


@hydra.main(config_path="../config", config_name="config", version_base=None)
def main(cfg: DictConfig) -> None:
    if cfg.run is None:
        raise ValueError("choose a run: run=<run_id> (a file under config/runs/)")
    if cfg.mode not in ("trial", "full"):
        raise ValueError(f"mode must be trial or full, not {cfg.mode!r}")
    command = [
        sys.executable, "-u", "-m", "src.train",
        f"run={cfg.run}", f"results_dir={cfg.results_dir}", f"mode={cfg.mode}",
    ]
    # Hydra has changed into its output directory; the package lives in the original one.
    subprocess.run(command, check=True, cwd=get_original_cwd())


if __name__ == "__main__":
    main()
