"""rbac.authorization.k8s.io/v1 RoleBinding (pkg/registry/rbac/rolebinding/strategy.go)."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.rbac.defaults import default_binding
from k9lite.demo.rbac.validation import binding_rules, is_path_segment_name
from k9lite.demo.resources import RBAC_GROUP, ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.rbac import ROLE_BINDING_COLUMNS, role_binding_cells

STRATEGY = Strategy(
    ResourceType(RBAC_GROUP, "v1", "RoleBinding", "rolebindings", True),
    printer=Printer(ROLE_BINDING_COLUMNS, role_binding_cells),
    defaults=default_binding,
    rules=binding_rules(cluster=False),
    name_check=is_path_segment_name,
)
