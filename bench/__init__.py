"""Benchmarks: printed figures, not tests (see README, "Benchmarks")."""
