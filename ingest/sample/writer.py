"""Serialize day file maps to snapshot folders, count assets, and write planted.json.

Formatting: the AWS CLI prints JSON with indent=4 and keys in API order; kubectl prints indent=4 with keys
sorted (it marshals unstructured maps); gcloud's `--format=json` prints indent=2 with keys sorted. We keep
these conventions when scale <= 5. Above that, files are
written compact (`separators=(",", ":")`) because pretty-printing 100k assets triples size and time.
Either way each file ends with a newline, like the CLIs' stdout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from ingest.sample.context import Files

PRETTY_MAX_SCALE = 5.0

# Where the assets are inside each list file: (path suffix, list key, nested list key or None).
_AWS_COUNTED = {
    "ec2/describe-instances.json": ("Reservations", "Instances"),
    "ec2/describe-network-interfaces.json": ("NetworkInterfaces", None),
    "ec2/describe-security-groups.json": ("SecurityGroups", None),
    "ec2/describe-volumes.json": ("Volumes", None),
    "ec2/describe-vpcs.json": ("Vpcs", None),
    "ec2/describe-subnets.json": ("Subnets", None),
    "ec2/describe-internet-gateways.json": ("InternetGateways", None),
    "ec2/describe-route-tables.json": ("RouteTables", None),
    "ec2/describe-network-acls.json": ("NetworkAcls", None),
    "elbv2/describe-load-balancers.json": ("LoadBalancers", None),
    "elbv2/describe-target-groups.json": ("TargetGroups", None),
    "rds/describe-db-instances.json": ("DBInstances", None),
    "lambda/list-functions.json": ("Functions", None),
    "secretsmanager/list-secrets.json": ("SecretList", None),
    "eks/list-clusters.json": ("clusters", None),
    "s3api/list-buckets.json": ("Buckets", None),
}
_IAM_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


def count_assets(files: Files) -> dict[str, int]:
    """Asset counts by type for one day (list files only; per-resource detail files add no assets)."""
    counts: dict[str, int] = {}

    def add(key: str, n: int) -> None:
        counts[key] = counts.get(key, 0) + n

    for path, body in files.items():
        parts = path.split("/")
        if parts[0] == "k8s":
            add(f"k8s:{parts[2][:-5]}", len(body["items"]))
            continue
        if parts[0] == "gcp":  # gcp/<scope>/cloudasset/{resource,iam-policy}.json: lists of assets
            if parts[-1] == "resource.json":
                for asset in body:
                    add(f"gcp:{asset['assetType']}", 1)
            elif parts[-1] == "iam-policy.json":
                add("gcp:iam-policy", len(body))
            continue
        if parts[0] == "azure":  # azure/<tenant>/<scope>/<group>/<command>.json: az lists
            if isinstance(body, list) and len(parts) == 5:
                add(f"azure:{parts[3]}/{parts[4][:-5]}", len(body))
            continue
        suffix = "/".join(parts[-2:])
        if suffix in _AWS_COUNTED:
            key, nested = _AWS_COUNTED[suffix]
            items = body[key]
            add(f"aws:{suffix[:-5]}", sum(len(i[nested]) for i in items) if nested else len(items))
        elif suffix == "iam/get-account-authorization-details.json":
            for key in _IAM_LISTS:
                add(f"aws:iam/{key}", len(body[key]))
    counts = dict(sorted(counts.items()))
    counts["total"] = sum(counts.values())
    return counts


class Writer:
    def __init__(self, out: Path, pretty: bool) -> None:
        self.out = out
        self.pretty = pretty
        # path -> (object, bytes): an unchanged object is serialized once for all days.
        self._cache: dict[str, tuple[Any, bytes]] = {}

    def encode(self, path: str, body: Any) -> bytes:
        cached = self._cache.get(path)
        if cached is not None and cached[0] is body:
            return cached[1]
        sort = path.startswith(("k8s/", "gcp/"))
        if self.pretty:
            indent = 2 if path.startswith("gcp/") else 4
            text = json.dumps(body, indent=indent, sort_keys=sort, ensure_ascii=False)
        else:
            text = json.dumps(body, separators=(",", ":"), sort_keys=sort, ensure_ascii=False)
        data = (text + "\n").encode()
        self._cache[path] = (body, data)
        return data

    def write_day(self, day: int, files: Files, collected_at: str) -> Path:
        folder = self.out / f"day-{day:02d}"
        for parent in sorted({(folder / path).parent for path in files}):
            parent.mkdir(parents=True, exist_ok=True)
        # File creation dominates at large scale; raw os.open/write is measurably cheaper than
        # pathlib's buffered file objects (a thread pool did not help on slow disks).
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        for path in sorted(files):
            fd = os.open(folder / path, flags, 0o644)
            try:
                os.write(fd, self.encode(path, files[path]))
            finally:
                os.close(fd)
        (folder / "snapshot.json").write_text(json.dumps({"collected_at": collected_at}) + "\n")
        return folder


def clear_previous(out: Path) -> None:
    """Remove only what a previous run of the generator wrote (day-NN folders and planted.json)."""
    if not out.exists():
        return
    for child in out.iterdir():
        if child.is_dir() and re.fullmatch(r"day-\d{2,}", child.name):
            shutil.rmtree(child)
    (out / "planted.json").unlink(missing_ok=True)


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    (out / "planted.json").write_text(json.dumps(manifest, indent=2) + "\n")
