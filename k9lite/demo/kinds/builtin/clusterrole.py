"""rbac.authorization.k8s.io/v1 ClusterRole; the generic table, as printers.go has none."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.rbac.validation import cluster_role_rules, is_path_segment_name
from k9lite.demo.resources import RBAC_GROUP, ResourceType

STRATEGY = Strategy(
    ResourceType(RBAC_GROUP, "v1", "ClusterRole", "clusterroles", False),
    rules=cluster_role_rules,
    name_check=is_path_segment_name,
)
