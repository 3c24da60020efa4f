"""The local stack: the system from template.yaml on loopback, with moto, no AWS and no Docker.

    python -m infra.local serve [--port 3000] [--tenants infra/tenants.demo.json]
                                [--state .local/state] [--fresh] [--logs file|console]

or in process:

    from infra.local import LocalStack
    with LocalStack(port=0, tenants="infra/tenants.demo.json") as stack:   # keeps nothing
        ...
    with LocalStack(port=0, state_dir=".local/state") as stack:            # opens and keeps a state
        ...
"""
from .stack import LocalStack, Tenant

__all__ = ["LocalStack", "Tenant"]
