"""EC2 key pairs: EC2 generates new ones (and hands the private key over once)."""

from ...resources import NewKeyPair
from . import parsers
from .session import EC2Session


class EC2KeyPairs:
    def __init__(self, session: EC2Session):
        self.session = session

    def list_key_pairs(self):
        result = self.session.ec2_call("describe_key_pairs")
        return sorted((parsers.key_pair(k) for k in result.get("KeyPairs", [])),
                      key=lambda k: k.name.lower())

    def create_key_pair(self, name, key_type):
        result = self.session.ec2_call("create_key_pair", KeyName=name, KeyType=key_type)
        return NewKeyPair(key_pair=parsers.key_pair(result), private_key=result["KeyMaterial"])

    def import_key_pair(self, name, public_key):
        result = self.session.ec2_call("import_key_pair", KeyName=name,
                                       PublicKeyMaterial=public_key.encode())
        return parsers.key_pair(result)

    def delete_key_pair(self, name):
        self.session.ec2_call("delete_key_pair", KeyName=name)
