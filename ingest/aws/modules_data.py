"""AWS data modules in load order."""

from ingest.registry import AwsModule

DATA_MODULES: list[AwsModule] = []
