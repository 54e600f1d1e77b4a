"""Safe rendering of office-editable templates (memos, draft motions, reports, the published policy).

An office edits these templates, and they are filled with case data. Two things must not follow:

- a template must not run code or read files: templates are rendered in Jinja2's immutable sandbox
  (no access to Python internals such as ``cycler.__init__.__globals__``);
- a rendered document must not send case data anywhere: WeasyPrint fetches the resources an HTML
  document names (``<img src="http://...?charge=...">`` would carry the charge to that server), so
  only ``data:`` URLs and files under the template's own folder are fetched. A refused fetch is logged
  (logger ``iiu.firewall``) with the host it named, never with the URL's query.
"""

from __future__ import annotations

import logging
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

LOG = logging.getLogger("iiu.firewall")


def template_environment(**options: Any) -> ImmutableSandboxedEnvironment:
    """A Jinja2 environment for templates an office may edit: sandboxed, immutable."""
    return ImmutableSandboxedEnvironment(**options)


def local_url_fetcher(root: Path | None) -> Any:
    """A WeasyPrint URL fetcher that fetches ``data:`` URLs and files under ``root`` only."""
    from weasyprint.urls import URLFetcher

    base = root.resolve() if root is not None else None

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urllib.parse.urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file" and base is not None:
                path = Path(urllib.request.url2pathname(parts.path)).resolve()
                if path.is_relative_to(base):
                    return super().fetch(url, headers)
            LOG.warning("refused to fetch a resource named in a document: scheme %r, host %r", scheme, parts.hostname)
            raise ValueError("only data: URLs and files beside the template are fetched")

    return LocalOnly(allowed_protocols={"data", "file"}, allow_redirects=False)
