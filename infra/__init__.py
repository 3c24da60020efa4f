"""Infrastructure helpers: the local stack (infra.local) and tenant administration."""
