"""The HTTP edge shared by both APIs: who calls (callers), path parameters as
sent (paths), bodies with their limits (bodies), answers (responses) and the
one mapping of the domain's errors to statuses (errors)."""
