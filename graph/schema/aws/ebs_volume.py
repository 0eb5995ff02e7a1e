"""EBSVolume -[:ATTACHED_TO]-> EC2Instance (Cartography; AWSEBSVolume and BlockStorage extra)."""

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, NUMBER, TIME, P, RelSchema, props

_FIELDS = (
    "arn",
    "availabilityzone",
    ("createtime", TIME),
    "encrypted",
    ("size", NUMBER),
    "state",
    "outpostarn",
    "snapshotid",
    ("iops", NUMBER),
    "fastrestored",
    "multiattachenabled",
    "type",
    "kmskeyid",
    "deleteontermination",
    "name",
    ("tags", JSON),  # ours: {key: value} JSON
)

EBS_VOLUME = regional_node(
    "EBSVolume",
    {"id": P("id"), "volumeid": P("id"), **props(*_FIELDS)},
    relationships=(RelSchema("ATTACHED_TO", "EC2Instance", {"id": P("instance_ids")}, many=True),),
    extra_labels=("AWSEBSVolume", "BlockStorage"),
)
