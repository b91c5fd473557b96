"""EC2 (VPC) security groups: ingress and egress rules, and an instance's groups."""

from django.utils.translation import gettext as _

from ...exceptions import Conflict, InvalidInput
from ...resources import Instance, SecurityGroup, SecurityGroupRule
from . import parsers
from .compute import LIVE_STATES, EC2Compute
from .session import EC2Session


class EC2SecurityGroups:
    def __init__(self, session: EC2Session, compute: EC2Compute):
        self.session = session
        self.compute = compute

    def list_security_groups(self) -> list[SecurityGroup]:
        result = self.session.ec2_call("describe_security_groups")
        return [parsers.security_group(g) for g in result.get("SecurityGroups", [])]

    def create_security_group(self, name: str, description: str) -> SecurityGroup:
        result = self.session.ec2_call("create_security_group", GroupName=name,
                                       Description=description)
        return SecurityGroup(id=result["GroupId"], name=name, description=description)

    def update_security_group(self, group_id: str, name: str, description: str) -> None:
        raise InvalidInput(_("EC2 cannot rename a security group or change its description. "
                             "Create a new group instead and move instances to it."))

    def delete_security_group(self, group_id: str) -> None:
        # AWS refuses with DependencyViolation; some EC2 endpoints (moto) delete anyway.
        result = self.session.ec2_call("describe_instances", Filters=[
            {"Name": "instance.group-id", "Values": [group_id]},
            {"Name": "instance-state-name", "Values": LIVE_STATES}])
        users = [i.id for i in parsers.instances(result)]
        if users:
            raise Conflict(_("The security group is in use by %(instances)s.")
                           % {"instances": ", ".join(sorted(users))}, "DependencyViolation")
        self.session.ec2_call("delete_security_group", GroupId=group_id)

    def add_rule(self, group_id: str, rule: SecurityGroupRule) -> None:
        operation = ("authorize_security_group_egress" if rule.direction == "egress"
                     else "authorize_security_group_ingress")
        self.session.ec2_call(operation, GroupId=group_id,
                              IpPermissions=[parsers.permission(rule)])

    def delete_rule(self, group_id: str, rule_id: str) -> None:
        direction, permission = parsers.decode_rule_id(rule_id)
        operation = ("revoke_security_group_egress" if direction == "egress"
                     else "revoke_security_group_ingress")
        self.session.ec2_call(operation, GroupId=group_id, IpPermissions=[permission])

    def instance_with_groups(self, instance_id: str) -> Instance:
        """EC2 names an instance's groups by id already: one call."""
        return self.compute.get_instance(instance_id)

    def set_instance_groups(self, instance: Instance, group_ids: list[str]) -> None:
        if not group_ids:
            raise InvalidInput(_("An EC2 instance needs at least one security group."))
        self.session.ec2_call("modify_instance_attribute", InstanceId=instance.id,
                              Groups=list(group_ids))
