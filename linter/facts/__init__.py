"""Cross-file fact tables, computed once per bundle with ``bundle.fact(Table)`` and shared by
all rules. Each module here extracts one kind of fact from the shared node indexes."""
