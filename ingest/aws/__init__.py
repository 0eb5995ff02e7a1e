"""AWS resource modules, in load order (owners before members; see ingest/registry.py).

account → IAM (roles and instance profiles that compute refers to) → network and compute → data stores.
"""

from ingest.aws import account
from ingest.aws.modules_data import DATA_MODULES
from ingest.aws.modules_iam import IAM_MODULES
from ingest.aws.modules_network import NETWORK_MODULES

MODULES = [account.MODULE, *IAM_MODULES, *NETWORK_MODULES, *DATA_MODULES]
