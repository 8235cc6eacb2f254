"""The load test (run.py) and its pieces shared with the other benchmarks."""
