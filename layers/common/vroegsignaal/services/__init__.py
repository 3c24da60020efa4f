"""Use cases: domain and ports put together, independent of Lambda and of AWS."""
