"""``collect_aws``: write a snapshot folder (docs/snapshot-format.md) from the live AWS APIs.

Every file is what the AWS CLI v2 would print for that call, so the live path and a hand-made
``aws … --output json`` folder go through the same offline reader, transform and load.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import boto3

from ingest.aws.collect import sessions
from ingest.aws.collect.caller import AccountCollector
from ingest.aws.collect.global_calls import collect_iam, collect_s3
from ingest.aws.collect.organizations_calls import collect_organizations
from ingest.aws.collect.regional_calls import collect_region
from ingest.aws.collect.report import CollectReport
from ingest.aws.collect.sessions import SessionFactory

DEFAULT_REGION = "us-east-1"


def collect_aws(
    out: Path,
    *,
    profile: str | None = None,
    regions: Sequence[str] | None = None,
    assume_roles: Sequence[str] = (),
    external_id: str | None = None,
    session_factory: SessionFactory = boto3.Session,
    endpoint_url: str | None = None,
    max_workers: int = 8,
) -> CollectReport:
    """Collect every account into ``out/aws/<account-id>/`` and write ``out/snapshot.json``.

    ``endpoint_url`` points every client at one endpoint (moto, LocalStack); boto3 also honours the
    ``AWS_ENDPOINT_URL`` environment variable. Raises ``FileExistsError`` when ``out/aws`` already has
    content: a stale file left from an earlier run would be read as current where this run failed.
    """
    aws_dir = out / "aws"
    if aws_dir.is_dir() and any(aws_dir.iterdir()):
        raise FileExistsError(f"{aws_dir} is not empty; collect into a new folder")
    started = datetime.now(UTC).replace(microsecond=0)
    report = CollectReport(collected_at=started.isoformat())
    base = session_factory(profile_name=profile) if profile else session_factory()
    home = base.region_name or DEFAULT_REGION
    found = sessions.accounts(base, session_factory, report, home, assume_roles, external_id, endpoint_url)
    for account, session in found:
        acct = AccountCollector(account, session, aws_dir / account, report, home, endpoint_url)
        account_regions = (
            list(regions) if regions else sessions.regions(session, account, report, home, endpoint_url)
        )
        report.accounts.append(account)
        report.regions[account] = account_regions
        tasks: list[Callable[[], None]] = [
            partial(collect_iam, acct),
            partial(collect_s3, acct),
            partial(collect_organizations, acct),
        ]
        tasks += [partial(collect_region, acct, region) for region in account_regions]
        # Calls are I/O-bound and independent across regions; map re-raises any bug in a task.
        with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=f"collect-{account}") as pool:
            for _ in pool.map(lambda task: task(), tasks):
                pass
    if report.accounts:
        out.mkdir(parents=True, exist_ok=True)
        # The start time: every file reflects the account at or after this instant.
        (out / "snapshot.json").write_text(
            json.dumps({"collected_at": report.collected_at}) + "\n", encoding="utf-8"
        )
    return report
