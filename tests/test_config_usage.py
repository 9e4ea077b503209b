"""ConfigUsage: which run-config keys the code names, and which mappings it consumes wholesale."""
from __future__ import annotations

from linter.facts.config_usage import ConfigUsage
from linter.rule import Valid
from linter.testing import example_bundle, patched


def usage_of(train_py: str) -> ConfigUsage:
    return example_bundle(Valid({"src/train.py": train_py})).fact(ConfigUsage)


def test_names_from_strings_attributes_and_flags():
    usage = usage_of(
        'import argparse\n'
        'def f(cfg, run):\n'
        '    a = run["alpha"]\n'
        '    b = cfg.training.beta\n'
        '    c = getattr(cfg, "gamma_rate")\n'
        '    p = argparse.ArgumentParser()\n'
        '    p.add_argument("--warm-start")\n'
        '    return a, b, c, p, "optim.delta"\n'
    )
    for name in ("alpha", "training", "beta", "gamma_rate", "warm_start", "optim", "delta"):
        assert usage.named(name), name
    assert not usage.named("epsilon")


def test_docstrings_and_external_keywords_do_not_name_keys():
    usage = usage_of(
        '"""Reads warm_start somewhere."""\n'
        'import torch\n'
        'def f(model):\n'
        '    """The schedule is ignored."""\n'
        '    return torch.optim.SGD(model.parameters(), momentum_value=0.9)\n'
    )
    assert not usage.named("warm_start")
    assert not usage.named("schedule")
    assert not usage.named("momentum_value")  # a keyword of a call outside the bundle


def test_splat_of_a_section_consumes_that_section_only():
    usage = usage_of('import torch\ndef f(run, params):\n    return torch.optim.Adam(params, **run["optim"])\n')
    assert usage.consumed(("optim", "weight_decay"))
    assert not usage.consumed(("training", "weight_decay"))
    assert not usage.wholesale_all


def test_splat_of_a_config_like_name_consumes_everything():
    usage = usage_of('import torch\ndef f(cfg):\n    return torch.nn.Linear(**cfg)\n')
    assert usage.wholesale_all and usage.consumed(("warm_start",))


def test_splat_into_a_bundle_function_is_named_by_its_parameters():
    usage = usage_of('def build(width, depth):\n    return width * depth\n\ndef f(cfg):\n    return build(**cfg.model)\n')
    assert not usage.wholesale_all
    assert not usage.consumed(("model", "width"))
    assert usage.named("width")


def test_batch_splat_is_not_configuration():
    usage = usage_of('def f(model, batch):\n    return model(**{k: v for k, v in batch.items() if k != "labels"})\n')
    assert not usage.wholesale_all
    assert not usage.consumed(("training", "use_flash_attn"))


def test_closed_local_dict_is_not_configuration():
    usage = usage_of('import torch\ndef f(params, lr):\n    kwargs = dict(lr=lr)\n    return torch.optim.SGD(params, **kwargs)\n')
    assert not usage.wholesale_all


def test_minimal_bundle_names_every_run_key():
    usage = example_bundle(Valid({"src/train.py": patched("experiment", "src/train.py")})).fact(ConfigUsage)
    for name in ("model", "hidden", "dataset", "num_samples", "num_features", "training", "seed", "epochs", "batch_size", "lr"):
        assert usage.named(name), name
