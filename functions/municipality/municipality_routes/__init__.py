"""The municipality API's routes, one Router per part of municipality-api.md.
Each route path is relative to /municipalities/{code} (municipality_api.py mounts them)."""
