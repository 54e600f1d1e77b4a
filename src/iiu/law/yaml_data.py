"""Reading the law's YAML data (catalogs, federal parameters): one loader for both."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's C loader when PyYAML was built with it (about 10x faster than the pure-Python one);
# both are safe loaders and give the same data.
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader
