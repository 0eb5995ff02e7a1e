"""What a cluster's API-server audit log says identities did (ours: Cartography has no audit model).

``KubernetesAuditLog`` (one per cluster, id = the cluster name): the log's span — ``since`` (first request),
``until`` (last), ``events``. Its presence marks usage as *collected* for the cluster.
``KubernetesAuditUsage`` (id = ``<cluster>/<username>``): one per user, service account or group seen,
``last_seen`` and ``used`` — the JSON map ``{"<verb>|<group>|<resource>|<namespace>|<name>": "<last time>"}``.
Both are owned by the cluster and swept when a new audit log no longer names them.
"""

from graph.schema.k8s.common import cluster_resource
from graph.schema.model import JSON, TIME, NodeSchema, P

KUBERNETES_AUDIT_LOG = NodeSchema(
    "KubernetesAuditLog",
    {"id": P("id"), "since": P("since", kind=TIME), "until": P("until", kind=TIME), "events": P("events")},
    sub_resource=cluster_resource(),
)
KUBERNETES_AUDIT_USAGE = NodeSchema(
    "KubernetesAuditUsage",
    {
        "id": P("id"),
        "principal_id": P("principal_id", index=True),
        "username": P("username"),
        "last_seen": P("last_seen", kind=TIME),
        "used": P("used", kind=JSON),
    },
    sub_resource=cluster_resource(),
)
