"""Nova key pairs; new ones are generated here, as Nova no longer generates keys."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ...resources import KeyPair, NewKeyPair
from .session import OpenStackSession


def new_key(key_type: str) -> tuple[str, str]:
    """A new private key (OpenSSH PEM) and its public line."""
    private = (ed25519.Ed25519PrivateKey.generate() if key_type == "ed25519"
               else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH).decode()
    return pem, public


def _key_pair(found) -> KeyPair:
    return KeyPair(name=found.name, fingerprint=found.fingerprint or "",
                   key_type=found.type or "ssh")


class OpenStackKeyPairs:
    def __init__(self, session: OpenStackSession):
        self.session = session

    def list_key_pairs(self):
        pairs = self.session.call(lambda: list(self.session.conn.compute.keypairs()))
        return sorted((_key_pair(k) for k in pairs), key=lambda k: k.name.lower())

    def create_key_pair(self, name, key_type):
        private_key, public_key = new_key(key_type)
        return NewKeyPair(key_pair=self.import_key_pair(name, public_key),
                          private_key=private_key)

    def import_key_pair(self, name, public_key):
        return _key_pair(self.session.call(self.session.conn.compute.create_keypair, name=name,
                                           public_key=public_key))

    def delete_key_pair(self, name):
        self.session.call(self.session.conn.compute.delete_keypair, name)
