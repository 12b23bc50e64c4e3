"""rbac.authorization.k8s.io/v1 Role; Roles print the generic table, as printers.go has none."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.rbac.validation import is_path_segment_name, role_rules
from k9lite.demo.resources import RBAC_GROUP, ResourceType

STRATEGY = Strategy(
    ResourceType(RBAC_GROUP, "v1", "Role", "roles", True),
    rules=role_rules,
    name_check=is_path_segment_name,
)
