"""Interim assessment (4.7): exam and credit sheets, academic debts, retakes."""
