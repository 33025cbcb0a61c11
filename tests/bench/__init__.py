"""`make bench`: speed and cost figures. Benchmarks print figures; they are not timed tests."""
