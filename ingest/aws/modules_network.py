"""AWS network modules in load order."""

from ingest.registry import AwsModule

NETWORK_MODULES: list[AwsModule] = []
