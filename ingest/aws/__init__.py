"""AWS resource modules, in load order (owners before members; see ingest/registry.py).

account → organizations (management account folder only; it MERGEs member accounts) → IAM (roles and
instance profiles that compute refers to) → network and compute → data stores.
"""

from ingest.aws import account, organizations
from ingest.aws.modules_data import DATA_MODULES
from ingest.aws.modules_iam import IAM_MODULES
from ingest.aws.modules_network import NETWORK_MODULES

MODULES = [account.MODULE, organizations.MODULE, *IAM_MODULES, *NETWORK_MODULES, *DATA_MODULES]
