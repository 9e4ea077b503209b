"""Parsers: each bundle file is parsed once, by the loader for its kind."""
