"""tm: a translation memory toolkit for bilingual side-by-side documentation handoffs."""

__version__ = "0.1.0"
