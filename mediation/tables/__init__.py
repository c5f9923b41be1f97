"""The tables, split by meaning so that a command builds only the ones it uses: each SQLModel
table class costs ~3 ms to construct at import, and a mediator's ``case new`` needs six of
them, not all seventeen. ``mediation.models`` imports every table (schema creation, reports).
"""
