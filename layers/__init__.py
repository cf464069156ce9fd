"""Which layers exist (the catalog), how their features are validated, and where they are stored."""
