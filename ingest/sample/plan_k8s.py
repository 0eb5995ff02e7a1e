"""Planted Kubernetes misconfigurations, the k8s decoy, and the cross-layer attack path (first cluster only).

Every planted workload runs exactly one pod (or a fixed two for payments-api), so the planted set does not
grow with scale. Apart from the one property each item is about, planted pods follow the benign baseline
(approved registry, pinned digest, non-root), so each control matches only its own item.
"""

from __future__ import annotations

from typing import Any

from ingest.sample.aws_elb import add_load_balancer
from ingest.sample.k8s import RBAC, Cluster
from ingest.sample.k8s_access import binding, rule, service, subject
from ingest.sample.k8s_objects import Workload, meta, obj


def plant(c: Cluster) -> None:
    ctx, rv, m, scope = c.ctx, c.rv, c.ctx.manifest, c.name

    def pod_item(id: str, kind: str, w: Workload, text: str) -> None:
        pod = w.pods[0]
        m.plant(
            id,
            kind,
            "k8s",
            scope,
            pod["metadata"]["uid"],
            pod["metadata"]["name"],
            f"{w.kind} {w.namespace}/{w.name}: {text}",
        )

    for ns in ("payments", "storefront", "monitoring", "dev", "legacy", "tools", "ci", "internal-tools"):
        c.namespace(ns, days_old=250)
    for ns in ("storefront", "monitoring", "dev", "tools", "ci"):
        c.network_policy(ns, "default-deny-ingress", None)

    def deploy(ns: str, name: str, image: str | None = None, **kw: Any) -> Workload:
        if "service_account" not in kw:
            c.service_account(ns, name, automount=False)
            kw.update(service_account=name, automount=kw.get("automount", False))
        w = Workload("Deployment", ns, name, image or c.image(name, "1.4.2"), **kw)
        c.workload(w, days_old=40)
        return w

    priv = deploy(
        "monitoring",
        "node-debugger",
        container_security={"privileged": True, "allowPrivilegeEscalation": True},
    )
    pod_item(
        "k8s-privileged-container",
        "k8s_privileged_container",
        priv,
        "container securityContext.privileged true.",
    )
    hp = deploy("monitoring", "log-collector", host_paths={"varlog": "/var/log"})
    pod_item("k8s-hostpath-volume", "k8s_hostpath_volume", hp, "mounts hostPath /var/log.")
    hn = deploy("monitoring", "net-probe", host={"hostNetwork": True})
    pod_item("k8s-host-network", "k8s_host_network", hn, "spec.hostNetwork true.")
    hpid = deploy("monitoring", "proc-inspector", host={"hostPID": True})
    pod_item("k8s-host-pid", "k8s_host_pid", hpid, "spec.hostPID true.")
    root = deploy("legacy", "legacy-app", pod_security={}, container_security={"runAsUser": 0})
    pod_item("k8s-run-as-root", "k8s_container_runs_as_root", root, "runAsUser 0 and no runAsNonRoot.")
    dflt = deploy("legacy", "legacy-cron", service_account="", automount=None)
    pod_item(
        "k8s-default-sa-automount",
        "k8s_default_service_account_token_mounted",
        dflt,
        "uses the namespace's default service account with the token automounted.",
    )
    ext = deploy(
        "monitoring", "metrics-exporter", f"quay.io/prometheus/node-exporter:v1.8.2@{ctx.ids.digest()}"
    )
    pod_item(
        "k8s-image-unapproved-registry",
        "k8s_image_from_unapproved_registry",
        ext,
        "image from quay.io (not in the approved registry list).",
    )
    latest = deploy("storefront", "edge-cache", f"{c.ecr}/edge-cache:latest@{ctx.ids.digest()}")
    pod_item("k8s-image-latest-tag", "k8s_image_latest_tag", latest, "image tagged :latest (digest-pinned).")
    unpinned = deploy("storefront", "billing-worker", c.image("billing-worker", "2.3.1", pinned=False))
    pod_item(
        "k8s-image-not-pinned", "k8s_image_not_pinned_by_digest", unpinned, "image referenced by tag only."
    )
    web = deploy("storefront", "storefront-web", c.image("storefront-web", "1.4.2"), replicas=2)
    c.add("services", service(ctx, rv, web))
    c.add(
        "ingresses",
        obj(
            "networking.k8s.io/v1",
            "Ingress",
            meta(
                ctx,
                rv,
                "storefront-web",
                "storefront",
                annotations={
                    "alb.ingress.kubernetes.io/scheme": "internal",
                    "alb.ingress.kubernetes.io/target-type": "ip",
                },
            ),
            spec={
                "ingressClassName": "alb",
                "rules": [
                    {
                        "host": "shop.internal.example.com",
                        "http": {
                            "paths": [
                                {
                                    "backend": {
                                        "service": {"name": "storefront-web", "port": {"number": 80}}
                                    },
                                    "path": "/",
                                    "pathType": "Prefix",
                                }
                            ]
                        },
                    }
                ],
            },
            status={
                "loadBalancer": {
                    "ingress": [{"hostname": "internal-" + _nlb_hostname(c, "storefront", "web")}]
                }
            },
        ),
    )

    crb = c.add(
        "clusterrolebindings",
        binding(
            ctx,
            rv,
            "ClusterRoleBinding",
            "ops-alice-cluster-admin",
            "ClusterRole",
            "cluster-admin",
            [subject("User", "alice@example.com")],
        ),
    )
    m.plant(
        "k8s-cluster-admin-user",
        "k8s_cluster_admin_binding_non_system",
        "k8s",
        scope,
        crb["metadata"]["uid"],
        "ops-alice-cluster-admin",
        "ClusterRoleBinding of cluster-admin to User alice@example.com.",
    )
    c.service_account("monitoring", "prometheus")
    crb = c.add(
        "clusterrolebindings",
        binding(
            ctx,
            rv,
            "ClusterRoleBinding",
            "prometheus-cluster-admin",
            "ClusterRole",
            "cluster-admin",
            [subject("ServiceAccount", "prometheus", "monitoring")],
        ),
    )
    m.plant(
        "k8s-cluster-admin-sa",
        "k8s_cluster_admin_binding_service_account",
        "k8s",
        scope,
        crb["metadata"]["uid"],
        "prometheus-cluster-admin",
        "ClusterRoleBinding of cluster-admin to ServiceAccount monitoring/prometheus.",
    )
    role = c.add(
        "roles", obj(RBAC, "Role", meta(ctx, rv, "dev-full-access", "dev"), rules=[rule(["*"], ["*"], ["*"])])
    )
    c.add(
        "rolebindings",
        binding(
            ctx,
            rv,
            "RoleBinding",
            "dev-full-access",
            "Role",
            "dev-full-access",
            [subject("Group", "developers")],
            "dev",
        ),
    )
    m.plant(
        "k8s-role-wildcard",
        "k8s_role_wildcard_verbs_resources",
        "k8s",
        scope,
        role["metadata"]["uid"],
        "dev/dev-full-access",
        'Role with apiGroups/resources/verbs "*" bound to Group developers.',
    )
    cr = c.add(
        "clusterroles",
        obj(
            RBAC,
            "ClusterRole",
            meta(ctx, rv, "secret-reader"),
            rules=[rule([""], ["secrets"], ["get", "list"])],
        ),
    )
    c.service_account("tools", "backup-agent")
    c.add(
        "clusterrolebindings",
        binding(
            ctx,
            rv,
            "ClusterRoleBinding",
            "secret-reader-global",
            "ClusterRole",
            "secret-reader",
            [subject("ServiceAccount", "backup-agent", "tools")],
        ),
    )
    m.plant(
        "k8s-clusterrole-secrets-read",
        "k8s_clusterrole_read_secrets_cluster_wide",
        "k8s",
        scope,
        cr["metadata"]["uid"],
        "secret-reader",
        "ClusterRole get/list secrets bound cluster-wide to ServiceAccount tools/backup-agent.",
    )
    c.service_account("ci", "ci-runner")
    c.secret("payments", "payments-db", "Opaque")
    c.secret("storefront", "storefront-tls", "kubernetes.io/tls")

    # Decoy: a LoadBalancer service whose namespace denies all ingress.
    tool = deploy("internal-tools", "admin-console")
    c.network_policy("internal-tools", "default-deny-ingress", None)
    svc = c.add("services", service(ctx, rv, tool, _nlb_hostname(c, "internal-tools", "admin-console")))
    m.decoy(
        "decoy-k8s-lb-netpol-deny",
        "k8s_namespace_lb_without_network_policy",
        "k8s",
        scope,
        svc["metadata"]["uid"],
        "internal-tools/admin-console",
        "LoadBalancer service, but a default-deny ingress NetworkPolicy selects its pods.",
    )
    _cross_layer(c, deploy)


def _nlb_hostname(c: Cluster, ns: str, name: str) -> str:
    return (
        f"k8s-{ns[:9]}-{name[:9]}-{c.ctx.ids.hex(10)}-{c.ctx.ids.hex(16)}.elb.{c.spec.region}.amazonaws.com"
    )


def _cross_layer(c: Cluster, deploy: Any) -> None:
    """Service LB → pods → SA (IRSA) → IAM role → policy → crown-jewel bucket and secret."""
    ctx, rv, spec = c.ctx, c.rv, c.spec
    role_arn = spec.irsa_role_arn
    sa = c.service_account("payments", "payments-api", annotations={"eks.amazonaws.com/role-arn": role_arn})
    token = {
        "mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount",
        "name": "aws-iam-token",
        "readOnly": True,
    }
    w = deploy(
        "payments",
        "payments-api",
        service_account="payments-api",
        replicas=2,
        automount=None,
        env=[
            {"name": "AWS_STS_REGIONAL_ENDPOINTS", "value": "regional"},
            {"name": "AWS_ROLE_ARN", "value": role_arn},
            {
                "name": "AWS_WEB_IDENTITY_TOKEN_FILE",
                "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
            },
        ],
        extra_volumes=[
            {
                "name": "aws-iam-token",
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {
                            "serviceAccountToken": {
                                "audience": "sts.amazonaws.com",
                                "expirationSeconds": 86400,
                                "path": "token",
                            }
                        }
                    ],
                },
            }
        ],
        extra_mounts=[token],
    )
    host = _nlb_hostname(c, "payments", "payments-api")
    svc = c.add(
        "services",
        service(
            ctx,
            rv,
            w,
            host,
            annotations={
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            },
        ),
    )
    net = ctx.refs[f"net:{spec.account.account_id}"]
    lb_name = host.split(".")[0].rsplit("-", 1)[0][:32]
    add_load_balancer(
        ctx,
        net,
        lb_name,
        lb_type="network",
        scheme="internet-facing",
        subnets=[net.subnets["public-a"], net.subnets["public-b"]],
        sg_ids=[],
        listener=(443, "TCP"),
        target_group=(f"k8s-payments-{ctx.ids.hex(10)}", 8080, "TCP", "ip"),
        targets=[(p["status"]["podIP"], 8080, None) for p in w.pods],
        dns_name=host,
    )
    data = ctx.refs.get("planted-data") or {}
    policy = ctx.refs[f"irsa-policy:{spec.name}"]
    ctx.manifest.plant(
        "xlayer-lb-to-crown-jewels",
        "cross_layer_internet_to_data",
        "k8s",
        c.name,
        svc["metadata"]["uid"],
        "payments/payments-api",
        f"Internet-facing LoadBalancer service payments/payments-api (namespace without NetworkPolicy) "
        f"selects pods running as ServiceAccount payments-api, annotated with IRSA role {role_arn}; "
        f"its policy {policy} allows s3:GetObject on bucket {data.get('crown_bucket')} and "
        f"secretsmanager:GetSecretValue on {data.get('crown_secret')}.",
    )
    ctx.manifest.planted[-1]["path"] = [
        {"type": "KubernetesService", "id": svc["metadata"]["uid"], "name": "payments/payments-api"},
        *(
            {"type": "KubernetesPod", "id": p["metadata"]["uid"], "name": p["metadata"]["name"]}
            for p in w.pods
        ),
        {"type": "KubernetesServiceAccount", "id": sa["metadata"]["uid"], "name": "payments/payments-api"},
        {"type": "AWSRole", "id": role_arn, "name": "payments-api-irsa"},
        {"type": "AWSPolicy", "id": policy, "name": "payments-data-access"},
        {"type": "S3Bucket", "id": data.get("crown_bucket"), "name": data.get("crown_bucket")},
        {
            "type": "SecretsManagerSecret",
            "id": data.get("crown_secret"),
            "name": "prod/payments/db-credentials",
        },
    ]
    ctx.manifest.plant(
        "k8s-lb-namespace-without-netpol",
        "k8s_namespace_lb_without_network_policy",
        "k8s",
        c.name,
        svc["metadata"]["uid"],
        "payments/payments-api",
        "LoadBalancer service in namespace payments, which has no NetworkPolicy.",
    )
