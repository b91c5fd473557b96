"""EC2 instances, instance types and availability zones."""

from dataclasses import replace

from django.utils.translation import gettext as _

from ...concurrency import gather
from ...exceptions import InvalidInput, NotFound
from ...resources import AvailabilityZone, Instance, InstanceType, LaunchSpec, Page
from . import parsers
from .session import EC2Session

LIVE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]
SUPPORTED_ACTIONS = {"start", "stop", "reboot", "terminate"}
# EC2 refuses MaxResults outside 5..1000 for DescribeInstances.
MIN_PAGE, MAX_PAGE = 5, 1000


def _newest_first(instances: list[Instance]) -> list[Instance]:
    return sorted(instances, key=lambda i: (i.launched_at is None, i.launched_at), reverse=True)


def _wild(text: str) -> str:
    """``text`` for an EC2 filter value, its own ``*``, ``?`` and ``\\`` taken literally."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


class EC2Compute:
    def __init__(self, session: EC2Session):
        self.session = session

    def list_instances(self, marker="", limit=20, include_terminated=False, tag="",
                       search=None):
        params = {"MaxResults": min(max(limit, MIN_PAGE), MAX_PAGE)}
        if marker:
            params["NextToken"] = marker
        filters = []
        if not include_terminated:
            filters.append({"Name": "instance-state-name", "Values": LIVE_STATES})
        if tag:
            key, has_value, value = tag.partition("=")
            filters.append({"Name": f"tag:{key}", "Values": [value]} if has_value
                           else {"Name": "tag-key", "Values": [key]})
        if search is not None and search.kind == "ip":
            # A private or a public address: EC2 ANDs its filters, so one call for each,
            # each one whole page (an address is one instance's, or a few's).
            whole = {key: value for key, value in params.items() if key != "NextToken"}
            whole["MaxResults"] = MAX_PAGE
            found = gather(**{name: (lambda n=name: self._described(
                {**whole, "Filters": [*filters, {"Name": n, "Values": [search.text]}]}))
                for name in ("private-ip-address", "ip-address")})
            seen = {i.id: i for page in found.values() for i in page.items}
            return Page(items=_newest_first(list(seen.values())))
        if search is not None:
            filters.append({"Name": "instance-id", "Values": [search.text]}
                           if search.kind == "ec2-id" else
                           # EC2's wildcards: a name containing the text.
                           {"Name": "tag:Name", "Values": [f"*{_wild(search.text)}*"]})
        if filters:
            params["Filters"] = filters
        return self._described(params)

    def _described(self, params: dict) -> Page[Instance]:
        result = self.session.ec2_call("describe_instances", **params)
        return Page(items=_newest_first(parsers.instances(result)),
                    next_marker=result.get("NextToken") or "")

    def get_instance(self, instance_id: str) -> Instance:
        found = parsers.instances(self.session.ec2_call("describe_instances",
                                                        InstanceIds=[instance_id]))
        if not found:
            raise NotFound(_("The instance %(id)s does not exist.") % {"id": instance_id})
        return found[0]

    def instance_names(self, instance_ids):
        if not instance_ids:
            return {}
        result = self.session.ec2_call(
            "describe_instances", Filters=[{"Name": "instance-id", "Values": list(instance_ids)}])
        return {i.id: i.name for i in parsers.instances(result)}

    def launch(self, spec: LaunchSpec):
        params = {
            "ImageId": spec.image_id,
            "InstanceType": spec.instance_type,
            "MinCount": spec.count,
            "MaxCount": spec.count,
        }
        if spec.name:
            params["TagSpecifications"] = [
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": spec.name}]}]
        if spec.key_name:
            params["KeyName"] = spec.key_name
        if spec.security_group_ids:
            params["SecurityGroupIds"] = list(spec.security_group_ids)
        if spec.availability_zone:
            params["Placement"] = {"AvailabilityZone": spec.availability_zone}
        if spec.user_data:
            params["UserData"] = spec.user_data
        result = self.session.ec2_call("run_instances", **params)
        launched = [parsers.instance(item) for item in result.get("Instances", [])]
        if spec.name and len(launched) > 1:
            launched = self._number_names(launched, spec.name)
        return launched

    def _number_names(self, launched, name):
        """Several instances of one launch are told apart as Nova names them: name-1..N
        (EC2 gives each the launch's Name tag; one CreateTags per instance, at once)."""
        numbered = {f"n{n}": (lambda i=i, n=n: self.session.ec2_call(
            "create_tags", Resources=[i.id], Tags=[{"Key": "Name", "Value": f"{name}-{n}"}]))
            for n, i in enumerate(launched, start=1)}
        gather(**numbered)
        return [replace(i, name=f"{name}-{n}", tags={**i.tags, "Name": f"{name}-{n}"})
                for n, i in enumerate(launched, start=1)]

    def instance_action(self, action, instance_ids):
        if action not in SUPPORTED_ACTIONS:
            raise InvalidInput(_("Unknown instance action %(action)s.") % {"action": repr(action)})
        self.session.ec2_call(f"{action}_instances", InstanceIds=list(instance_ids))

    def resize(self, instance_id, instance_type_id):
        raise InvalidInput(_("This cloud cannot resize instances from the dashboard."))

    def rebuild(self, instance_id, image_id):
        raise InvalidInput(_("This cloud cannot rebuild instances."))

    def console_output(self, instance_id):
        result = self.session.ec2_call("get_console_output", InstanceId=instance_id)
        return parsers.console(result.get("Output") or "")

    def set_tag(self, instance_id, key, value):
        self.session.ec2_call("create_tags", Resources=[instance_id],
                              Tags=[{"Key": key, "Value": value}])

    def delete_tag(self, instance_id, key):
        self.session.ec2_call("delete_tags", Resources=[instance_id], Tags=[{"Key": key}])

    def add_label(self, instance_id, label):
        raise InvalidInput(_("This cloud has no instance labels; use tags."))

    remove_label = add_label

    def list_instance_types(self):
        wanted = self.session.config.get("INSTANCE_TYPES") or []
        params = {"InstanceTypes": list(wanted)} if wanted else {}
        result = self.session.ec2_call("describe_instance_types", **params)
        types = [InstanceType(name=item["InstanceType"],
                              vcpus=item.get("VCpuInfo", {}).get("DefaultVCpus", 0),
                              memory_mib=item.get("MemoryInfo", {}).get("SizeInMiB", 0))
                 for item in result.get("InstanceTypes", [])]
        return sorted(types, key=lambda t: (t.vcpus, t.memory_mib, t.name))

    def list_availability_zones(self):
        result = self.session.ec2_call("describe_availability_zones")
        return [AvailabilityZone(name=z["ZoneName"], state=z.get("State", ""))
                for z in result.get("AvailabilityZones", [])]
