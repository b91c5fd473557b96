"""EC2 security groups and elastic IPs (mixed into EC2Driver)."""


class EC2NetworkMixin:
    pass
