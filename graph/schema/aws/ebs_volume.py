"""EBSVolume -[:ATTACHED_TO]-> EC2Instance (Cartography; AWSEBSVolume and BlockStorage extra)."""

from graph.schema.aws.regional import regional_node
from graph.schema.model import P, RelSchema

_FIELDS = (
    "arn",
    "availabilityzone",
    "createtime",
    "encrypted",
    "size",
    "state",
    "outpostarn",
    "snapshotid",
    "iops",
    "fastrestored",
    "multiattachenabled",
    "type",
    "kmskeyid",
    "deleteontermination",
    "name",
    "tags",  # ours: {key: value} JSON
)

EBS_VOLUME = regional_node(
    "EBSVolume",
    {"id": P("id"), "volumeid": P("id"), **{f: P(f) for f in _FIELDS}},
    relationships=(RelSchema("ATTACHED_TO", "EC2Instance", {"id": P("instance_ids")}, many=True),),
    extra_labels=("AWSEBSVolume", "BlockStorage"),
)
