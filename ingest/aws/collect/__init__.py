"""Live AWS collection: boto3 calls written as the AWS CLI v2 JSON of a snapshot folder.

``collect_aws`` is the only entry point; ``invgraph collect aws`` and ``invgraph ingest aws`` use it.
"""

from ingest.aws.collect.collect import collect_aws
from ingest.aws.collect.report import CollectError, CollectReport

__all__ = ["CollectError", "CollectReport", "collect_aws"]
