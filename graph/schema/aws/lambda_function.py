"""Lambda functions (Cartography's AWSLambda) with their execution role and function URL.

Cartography has no function-URL node; the URL and its auth type are properties here, in a composite schema
because they come from a per-function file (absent file: kept; ``{"FunctionUrlConfigs": []}``: no URL).
"""

from __future__ import annotations

from graph.schema.aws.regional import regional_node
from graph.schema.model import NUMBER, SET, TIME_TEXT, NodeSchema, P, RelSchema, props

_PROPS = (
    "arn",
    "name",
    ("modifieddate", TIME_TEXT),
    "runtime",
    "description",
    ("timeout", NUMBER),
    ("memory", NUMBER),
    ("codesize", NUMBER),
    "handler",
    "version",
    "tracingconfigmode",
    "revisionid",
    "packagetype",
    "codesha256",
    ("architectures", SET),
    "kmskeyarn",
    "role",
)
AWS_LAMBDA = regional_node(
    "AWSLambda",
    {"id": P("id"), **props(*_PROPS)},
    relationships=(
        RelSchema("STS_ASSUMEROLE_ALLOW", "AWSPrincipal", {"arn": P("role")}),
        RelSchema("ASSUMES", "AWSRole", {"id": P("role")}),  # Cartography's ontology edge
    ),
    extra_labels=("Function",),
)
AWS_LAMBDA_URL = NodeSchema(
    "AWSLambda",
    {k: P(k) for k in ("id", "function_url", "function_url_auth_type", "function_url_invoke_mode")},
)
