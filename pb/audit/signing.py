"""The council's Ed25519 key, which signs every audit package.

Generated into the instance folder on first use unless SIGNING_KEY_PATH names a PEM file;
the public half is shown on the site and in every package's manifest.
"""

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app


def _path() -> Path:
    configured = current_app.config.get("SIGNING_KEY_PATH")
    return (
        Path(configured)
        if configured
        else Path(current_app.config["INSTANCE_DIR"]) / "signing_key.pem"
    )


def private_key() -> Ed25519PrivateKey:
    path = _path()
    if not path.exists():
        if current_app.config.get("SIGNING_KEY_PATH"):
            raise RuntimeError(f"SIGNING_KEY_PATH {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 private key")
    return key


def public_key_hex(key: Ed25519PrivateKey | None = None) -> str:
    public = (key or private_key()).public_key()
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def sign(data: bytes) -> bytes:
    return private_key().sign(data)


def load_public_key(hex_text: str) -> Ed25519PublicKey:
    """A public key from its hex form, as the manifest and the site show it."""
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_text.strip()))
