"""Bilingual pages: `parse_page` (text → `Page`) and `render_page` (`Page` → text), lossless both ways."""

from tm.page.parse import Diagnostic, ParseResult, load_page, parse_page
from tm.page.render import Mode, render_page

__all__ = ["Diagnostic", "Mode", "ParseResult", "load_page", "parse_page", "render_page"]
