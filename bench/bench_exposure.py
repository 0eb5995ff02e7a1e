"""Benchmark: full exposure computation and path requests on a ~1M-node graph.

The graph = the sample generator at ``--scale`` (default 20, ≈10k assets, ingested for real) plus bulk
synthetic AWS "units" created with parameterised ``UNWIND … CREATE`` in the same labels, properties and
relationships our ingestion writes (VPC, IGW, public/private subnets with route tables, NACL + rules,
security groups + IpRule + IpRange, instances with ENIs, volumes and instance profiles → roles →
policies with documents, buckets, secrets, RDS), until ``--nodes`` (default 1,000,000) is reached.
Prints the full computation time, then p50 / p95 of ``find_paths(target=…)`` over ``--requests``
crown-jewel targets; appends the figures to bench/RESULTS.md under "## Exposure".
Goals: full computation < 60 s, p95 of a path request < 200 ms.

    .venv/bin/python bench/bench_exposure.py [--nodes 1000000] [--scale 20] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.exposure import compute  # noqa: E402
from analysis.exposure.paths import find_paths  # noqa: E402
from bench.common import counts, neo4j_for_bench, wipe  # noqa: E402
from graph import driver  # noqa: E402
from ingest.sample import generate  # noqa: E402
from pipeline.run import ingest_snapshot  # noqa: E402

INSTANCES, ROLES, STORES, SGS = 400, 80, 60, 16  # per unit; ≈ 2,100 nodes per unit
PUBLIC_EVERY = 20  # every 20th instance has a public IP in the public subnet (5 %)


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def unit_rows(u: int) -> dict[str, Any]:
    """One synthetic account's rows; ids are unique per unit."""
    acct = f"9{u:011d}"
    vpc, igw = f"vpc-syn{u}", f"igw-syn{u}"
    pub, priv = f"subnet-syn{u}-pub", f"subnet-syn{u}-priv"
    buckets = [f"syn{u}-bucket-{i}" for i in range(STORES // 3)]
    secrets_ = [
        f"arn:aws:secretsmanager:us-east-1:{acct}:secret:syn{u}-{i}-AbCdEf" for i in range(STORES // 3)
    ]
    policies = [  # a realistic mix: narrow data reads, describe-only, one broad data role, one admin
        (
            "read-some-buckets",
            _doc(
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": [f"arn:aws:s3:::{b}/*" for b in buckets[:3]],
                }
            ),
        ),
        (
            "read-some-secrets",
            _doc({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets_[:2]}),
        ),
        (
            "describe-only",
            _doc(
                {"Effect": "Allow", "Action": ["ec2:Describe*", "cloudwatch:PutMetricData"], "Resource": "*"}
            ),
        ),
        ("all-s3", _doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
        ("admin", _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})),
    ]
    trust = _doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    roles = [
        {
            "id": f"arn:aws:iam::{acct}:role/syn-role-{i}",
            "name": f"syn-role-{i}",
            "trust": trust,
            "profile": f"arn:aws:iam::{acct}:instance-profile/syn-role-{i}",
            "policy": f"arn:aws:iam::{acct}:policy/{policies[0 if i % 2 else 1 if i % 3 else 2][0]}"
            if i > 1
            else f"arn:aws:iam::{acct}:policy/{policies[3 + i][0]}",
        }
        for i in range(ROLES)
    ]
    sgs = [
        {
            "id": f"sg-syn{u}-{i}",
            "name": f"syn-sg-{i}",
            "port": [22, 443, 5432, 8080][i % 4],
            "range": "0.0.0.0/0" if i % 4 < 2 else "10.0.0.0/8",
        }
        for i in range(SGS)
    ]
    instances = [
        {
            "id": f"i-syn{u}x{i}",
            "subnet": pub if i % PUBLIC_EVERY == 0 else priv,
            "ip": f"54.{u % 250}.{i // 250}.{i % 250}" if i % PUBLIC_EVERY == 0 else None,
            "sg": sgs[(i // PUBLIC_EVERY) % SGS]["id"],
            "profile": roles[(i // PUBLIC_EVERY + i) % ROLES]["profile"],
        }
        for i in range(INSTANCES)
    ]
    return {
        "acct": acct,
        "vpc": vpc,
        "igw": igw,
        "pub": pub,
        "priv": priv,
        "buckets": buckets,
        "secrets": secrets_,
        "rds": [f"arn:aws:rds:us-east-1:{acct}:db:syn{u}-db-{i}" for i in range(STORES // 3)],
        "policies": [
            {"id": f"arn:aws:iam::{acct}:policy/{n}", "name": n, "document": d} for n, d in policies
        ],
        "roles": roles,
        "sgs": sgs,
        "instances": instances,
    }


NETWORK = """
UNWIND $units AS u
CREATE (a:AWSAccount {id: u.acct, name: 'syn-' + u.acct})
CREATE (v:AWSVpc:VirtualNetwork {id: u.vpc, region: 'us-east-1'}), (a)-[:RESOURCE]->(v)
CREATE (g:AWSInternetGateway {id: u.igw, region: 'us-east-1'})-[:ATTACHED_TO]->(v), (a)-[:RESOURCE]->(g)
CREATE (sp:EC2Subnet:AWSEC2Subnet:Subnet {id: u.pub, subnetid: u.pub, vpc_id:
    u.vpc})-[:MEMBER_OF_AWS_VPC]->(v)
CREATE (sq:EC2Subnet:AWSEC2Subnet:Subnet {id: u.priv, subnetid: u.priv, vpc_id:
    u.vpc})-[:MEMBER_OF_AWS_VPC]->(v)
CREATE (a)-[:RESOURCE]->(sp), (a)-[:RESOURCE]->(sq)
CREATE (rp:EC2RouteTable:AWSEC2RouteTable {id: 'rtb-' + u.pub, vpc_id: u.vpc, main: false})
CREATE (rm:EC2RouteTable:AWSEC2RouteTable {id: 'rtb-main-' + u.vpc, vpc_id: u.vpc, main: true})
CREATE (rp)-[:ROUTE]->(:EC2Route:AWSEC2Route {id: 'rtb-' + u.pub + '|0.0.0.0/0', destination_cidr_block:
    '0.0.0.0/0',
        gateway_id: u.igw, state: 'active'})-[:ROUTES_TO_GATEWAY]->(g)
CREATE (rp)-[:ASSOCIATION]->(:EC2RouteTableAssociation:AWSEC2RouteTableAssociation {id: 'rtbassoc-' + u.pub,
        subnet_id: u.pub})-[:ASSOCIATED_SUBNET]->(sp)
CREATE (acl:EC2NetworkAcl:AWSEC2NetworkAcl {id: 'acl-' + u.vpc, network_acl_id: 'acl-' + u.vpc})
CREATE (acl)-[:PART_OF_SUBNET]->(sp), (acl)-[:PART_OF_SUBNET]->(sq)
FOREACH (r IN [[90, 'deny', '6', 3389, false], [100, 'allow', '-1', -1, false], [100, 'allow', '-1', -1,
    true]] |
  CREATE (:EC2NetworkAclRule:AWSEC2NetworkAclRule {id: 'acl-' + u.vpc + '/' + toString(r[4]) + '/' +
      toString(r[0]), rulenumber: r[0],
          ruleaction: r[1], protocol: r[2], fromport: CASE WHEN r[3] < 0 THEN null ELSE r[3] END,
          toport: CASE WHEN r[3] < 0 THEN null ELSE r[3] END, egress: r[4], cidrblock:
              '0.0.0.0/0'})-[:MEMBER_OF_NACL]->(acl))
FOREACH (s IN u.sgs |
  CREATE (sg:EC2SecurityGroup:AWSEC2SecurityGroup {id: s.id, groupid: s.id, name: s.name, vpc_id: u.vpc})
  CREATE (a)-[:RESOURCE]->(sg)
  CREATE (r:IpRule:IpPermissionInbound:AWSIpRule {id: s.id + '/in/' + s.port, protocol: 'tcp', fromport:
      s.port,
          toport: s.port})-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg)
  CREATE (:IpRange:AWSIpRange {id: s.id + '|' + s.range, range: s.range})-[:MEMBER_OF_IP_RULE]->(r))
FOREACH (p IN u.policies | CREATE (a)-[:RESOURCE]->(:AWSPolicy:AWSManagedPolicy {id: p.id, arn: p.id, name:
    p.name,
        document: p.document}))
FOREACH (b IN u.buckets | CREATE (a)-[:RESOURCE]->(:S3Bucket:AWSS3Bucket:ObjectStorage {id: b, name: b,
        arn: 'arn:aws:s3:::' + b}))
FOREACH (s IN u.secrets | CREATE (a)-[:RESOURCE]->(:SecretsManagerSecret:AWSSecretsManagerSecret:Secret
    {id: s,
        arn: s, name: s, region: 'us-east-1'}))
FOREACH (d IN u.rds | CREATE (a)-[:RESOURCE]->(:RDSInstance:AWSRDSInstance:Database {id: d, arn: d,
        publicly_accessible: false, endpoint_port: 5432, region: 'us-east-1'}))
"""
ROLES_Q = """
UNWIND $rows AS r
MATCH (a:AWSAccount {id: r.acct}) MATCH (p:AWSPolicy {id: r.policy})
CREATE (role:AWSRole:AWSPrincipal:PermissionRole {id: r.id, arn: r.id, name: r.name, trust_policy: r.trust})
CREATE (a)-[:RESOURCE]->(role), (role)-[:POLICY]->(p)
CREATE (a)-[:RESOURCE]->(:AWSInstanceProfile {id: r.profile, arn: r.profile})-[:ASSOCIATED_WITH]->(role)
"""
INSTANCES_Q = """
UNWIND $rows AS r
MATCH (a:AWSAccount {id: r.acct}) MATCH (s:EC2Subnet {id: r.subnet}) MATCH (g:EC2SecurityGroup {id: r.sg})
MATCH (ip:AWSInstanceProfile {id: r.profile})
CREATE (i:EC2Instance:AWSEC2Instance:ComputeInstance {id: r.id, instanceid: r.id, name: r.id, state:
    'running',
        publicipaddress: r.ip, subnetid: r.subnet, region: 'us-east-1'})
CREATE (a)-[:RESOURCE]->(i), (i)-[:PART_OF_SUBNET]->(s), (i)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(g),
       (i)-[:INSTANCE_PROFILE]->(ip)
CREATE (i)-[:NETWORK_INTERFACE]->(:NetworkInterface:AWSNetworkInterface {id: 'eni-' + r.id, subnetid:
    r.subnet})
CREATE (:EBSVolume:AWSEBSVolume:BlockStorage {id: 'vol-' + r.id, encrypted: true})-[:ATTACHED_TO]->(i)
"""


def synthesize(target_nodes: int) -> int:
    have, units = counts()[0], 0
    per_unit = 2 * INSTANCES * 1 + INSTANCES + 2 * ROLES + STORES + 4 * SGS // 1 + 30
    while have < target_nodes:
        batch = [
            unit_rows(10_000 + units + k)
            for k in range(min(10, max(1, (target_nodes - have) // per_unit + 1)))
        ]
        driver.write(NETWORK, {"units": batch}, timeout=600)
        driver.write(
            ROLES_Q, {"rows": [{**r, "acct": u["acct"]} for u in batch for r in u["roles"]]}, timeout=600
        )
        rows = [{**i, "acct": u["acct"]} for u in batch for i in u["instances"]]
        for k in range(0, len(rows), 5_000):
            driver.write(INSTANCES_Q, {"rows": rows[k : k + 5_000]}, timeout=600)
        units += len(batch)
        have = counts()[0]
        print(f"  synthetic units {units}: {have:,} nodes", flush=True)
    return units


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md (smoke runs)")
    args = ap.parse_args()
    with neo4j_for_bench(heap="3g", pagecache="2g"):
        wipe()
        out = Path(tempfile.mkdtemp(prefix="invgraph-bench-exposure-"))
        t = time.perf_counter()
        generate(out, scale=args.scale, days=1)
        run = ingest_snapshot(out / "day-01")
        ingest_s = time.perf_counter() - t
        shutil.rmtree(out, ignore_errors=True)
        print(f"sample scale {args.scale}: ingested in {ingest_s:.0f}s; {counts()[0]:,} nodes", flush=True)
        t = time.perf_counter()
        units = synthesize(args.nodes)
        nodes, rels = counts()
        print(
            f"graph: {nodes:,} nodes, {rels:,} relationships "
            f"({units} synthetic units, {time.perf_counter() - t:.0f}s)"
        )
        compute(run.run_id)  # warm-up: schema, caches (the post-ingest step runs on a warm server too)
        t = time.perf_counter()
        summary = compute(run.run_id)
        full_s = time.perf_counter() - t
        print(
            f"full computation: {full_s:.1f}s "
            f"{json.dumps({k: round(v, 1) for k, v in summary.phases.items()})}; "
            f"{summary.exposed:,} exposed, {summary.nodes:,} nodes, {summary.edges:,} edges"
        )
        targets = [
            r["id"]
            for r in driver.read(
                "MATCH (n:ExposureNode {run_id: $run, crown_jewel: true}) RETURN n.node_id AS id",
                {"run": summary.run_id},
            )
        ]
        random.Random(7).shuffle(targets)
        times = []
        for tid in targets[: args.requests]:
            t = time.perf_counter()
            find_paths(target=tid)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        print(f"paths per target: n={len(times)} p50={p50:.1f}ms p95={p95:.1f}ms max={times[-1]:.1f}ms")
        line = (
            f"| {time.strftime('%Y-%m-%d')} | {nodes:,} / {rels:,} | sample scale {args.scale:g} "
            f"+ {units} synthetic units | {full_s:.1f} s | "
            f"{summary.exposed:,} / {summary.nodes:,} / {summary.edges:,} | "
            f"{p50:.1f} ms | {p95:.1f} ms |\n"
        )
        if args.no_record:
            return
        results = Path(__file__).with_name("RESULTS.md")
        text = results.read_text() if results.exists() else "# Benchmark results\n"
        if "## Exposure" not in text:
            text += (
                "\n## Exposure\n\n`bench/bench_exposure.py`. Goals: full computation < 60 s, "
                "p95 of a path request < 200 ms.\n\n"
                "| date | nodes / relationships | graph | full computation | exposed / attack-graph "
                "nodes / edges | paths p50 | paths p95 |\n|---|---|---|---|---|---|---|\n"
            )
        start = text.index("## Exposure")
        end = text.find("\n## ", start + 1)  # keep the row inside the Exposure section
        end = len(text) if end < 0 else end + 1
        body = text[:end].rstrip("\n") + "\n" + line
        results.write_text(body + ("\n" + text[end:] if end < len(text) else ""))


if __name__ == "__main__":
    main()
