"""KubernetesCluster: the owner of every Kubernetes node we load (Cartography's id: kube-system's uid)."""

from graph.schema.model import Direction, NodeSchema, P, RelSchema

KUBERNETES_CLUSTER = NodeSchema(
    "KubernetesCluster",
    {
        "id": P("id"),
        "name": P("name", index=True),
        "external_id": P("external_id", index=True),
        "creation_timestamp": P("creation_timestamp"),
    },
    # Cartography: (:AWSEKSCluster {arn: external_id})-[:MAPS_TO]->. A snapshot knows the EKS cluster by
    # name only (the folder name), so we match the EKS cluster by name. See docs/schema/kubernetes.md.
    relationships=(RelSchema("MAPS_TO", "EKSCluster", {"name": P("name")}, Direction.INWARD),),
    extra_labels=("ComputeCluster",),
)
