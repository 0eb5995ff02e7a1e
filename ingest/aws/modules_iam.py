"""AWS iam modules in load order."""

from ingest.registry import AwsModule

IAM_MODULES: list[AwsModule] = []
