"""AWSInternetGateway -[:ATTACHED_TO]-> AWSVpc (Cartography)."""

from graph.schema.aws.regional import regional_node
from graph.schema.model import P, RelSchema

AWS_INTERNET_GATEWAY = regional_node(
    "AWSInternetGateway",
    {"id": P("id"), "ownerid": P("ownerid"), "arn": P("arn", index=True), "name": P("name")},
    relationships=(RelSchema("ATTACHED_TO", "AWSVpc", {"id": P("vpc_ids")}, many=True),),
)
