"""Adapters: the only code that talks to AWS."""


def forget_container_state() -> None:
    """Forget what a Lambda container keeps between invocations: boto3 clients, cached
    key lookups, the household key, the configuration. For the local stack and tests, which start many
    'containers' (one per moto) in one process."""
    from . import aws, config, jwks, registry, secrets, users

    aws.reset()
    config.forget()
    registry.clear_cache()
    jwks.forget()
    users.clear_cache()
    secrets.household_secret.cache_clear()
