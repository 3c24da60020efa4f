"""The consultants' web app (static files); `python -m web.size` reports its transfer size."""
