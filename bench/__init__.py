"""Benchmarks (``make bench``): ratios and latencies measured in one run, not in tests."""
