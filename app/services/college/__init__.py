"""The college's people and plans: the contingent (5.2), credentials (3.1), imports (4.2)."""
