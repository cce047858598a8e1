"""Connector credentials live in Source.config only as Fernet tokens (`<name>_encrypted`)."""

from listening.crypto import secret_decrypt, secret_encrypt
from listening.sources.base import ConnectorError


def config_secret(config: dict, name: str) -> str:
    token = config.get(f"{name}_encrypted")
    if not token:
        raise ConnectorError(f"The source has no '{name}' credential configured.")
    try:
        return secret_decrypt(token)
    except ValueError as exc:
        raise ConnectorError(str(exc)) from exc


def config_with_secret(config: dict, name: str, value: str) -> dict:
    """A copy of `config` with `value` stored encrypted under `<name>_encrypted`."""
    return {**config, f"{name}_encrypted": secret_encrypt(value)}
