"""A link checker for an exported static site: every href and src in every HTML file must
name a file of the export (queries and fragments aside); external links are not allowed."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.links.append(value)


def broken_links(root: Path) -> list[str]:
    """Every link that does not resolve to a file, as 'page: link'."""
    broken = []
    for page in sorted(root.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                broken.append(f"{page.relative_to(root)}: {link} (external)")
                continue
            if not parts.path:  # "#top" or "?q=": the page itself
                continue
            if parts.path.startswith("/"):
                broken.append(f"{page.relative_to(root)}: {link} (absolute)")
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or root.resolve() not in target.parents:
                broken.append(f"{page.relative_to(root)}: {link}")
    return broken
