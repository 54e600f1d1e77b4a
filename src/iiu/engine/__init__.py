"""The crimmigration engine: pure functions over the law (``iiu.law``)."""

from iiu.engine.analyze import analyze
from iiu.engine.errors import RequestError

__all__ = ["RequestError", "analyze"]
