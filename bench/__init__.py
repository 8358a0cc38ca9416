"""Benchmarks of the generation pipeline against a real worker (see bench/README.md)."""
