"""Versioned data tables of the built-in rules (import map, removed APIs)."""
