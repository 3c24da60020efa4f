"""The domain: plain Python, no AWS calls."""
