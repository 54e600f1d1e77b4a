"""``make bench``: every benchmark, one after the other."""

from __future__ import annotations

import importlib


def main() -> None:
    from bench import engine

    engine.main()
    try:
        bulk = importlib.import_module("bench.bulk")
    except ModuleNotFoundError:
        print("bulk benchmark not available")
        return
    bulk.main()


if __name__ == "__main__":
    main()
