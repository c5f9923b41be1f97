"""Domain, storage and reports: SQLModel tables, one service function per use case.

No click and no rich here (docs/architecture.md): services return domain values, the CLI renders them.
"""
