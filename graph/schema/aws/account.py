"""AWSAccount and AWSRegion — the owners every AWS resource hangs from (Cartography labels)."""

from graph.schema.model import NodeSchema, P

AWS_ACCOUNT = NodeSchema(
    "AWSAccount",
    {"id": P("id"), "name": P("name"), "inscope": P("inscope"), "foreign": P("foreign")},
)
