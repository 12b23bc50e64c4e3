"""core/v1 PersistentVolumeClaim (pkg/registry/core/persistentvolumeclaim/strategy.go), stored
without a binder: a claim stays Pending until its status is written.

Columns: printers.go persistentVolumeClaimColumnDefinitions and printPersistentVolumeClaim
(CAPACITY and ACCESS MODES only once bound to a volume; wide adds VOLUMEMODE).
"""

from datetime import datetime
from typing import Any

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.cells import Obj, age_cell, lookup, name_cell
from k9lite.demo.tables.columns import AGE_COLUMN, NAME_COLUMN, Column

COLUMNS = (
    NAME_COLUMN,
    Column("Status", "phase represents the current phase of PersistentVolumeClaim."),
    Column(
        "Volume",
        "volumeName is the binding reference to the PersistentVolume backing this claim.",
    ),
    Column("Capacity", "capacity represents the actual resources of the underlying volume."),
    Column(
        "Access Modes",
        "accessModes contains the actual access modes the volume backing the PVC has. More "
        "info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
    ),
    Column("StorageClass", "StorageClass of the pvc"),
    Column("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    AGE_COLUMN,
    Column(
        "VolumeMode",
        "volumeMode defines what type of volume is required by the claim. Value of Filesystem "
        "is implied when not included in claim spec.",
        priority=1,
    ),
)
# helper.GetAccessModesAsString: each mode once, in this order.
_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)
_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"


def _storage_class(claim: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName."""
    annotations = lookup(claim, "metadata", "annotations") or {}
    if _BETA_STORAGE_CLASS in annotations:
        return str(annotations[_BETA_STORAGE_CLASS])
    return str(lookup(claim, "spec", "storageClassName") or "")


def cells(claim: Obj, now: datetime) -> list[Any]:
    spec, status = claim.get("spec") or {}, claim.get("status") or {}
    phase = "Terminating" if lookup(claim, "metadata", "deletionTimestamp") else status.get("phase")
    capacity = access_modes = ""
    if spec.get("volumeName"):
        modes = set(status.get("accessModes") or ())
        access_modes = ",".join(short for mode, short in _ACCESS_MODES if mode in modes)
        capacity = str(lookup(status, "capacity", "storage") or "0")
    return [
        name_cell(claim),
        str(phase or ""),
        str(spec.get("volumeName", "")),
        capacity,
        access_modes,
        _storage_class(claim),
        spec.get("volumeAttributesClassName") or "<unset>",
        age_cell(claim, now),
        spec.get("volumeMode") or "<unset>",
    ]


def defaults(claim: dict[str, Any]) -> None:
    """SetDefaults_PersistentVolumeClaimSpec: a Filesystem volume."""
    spec = claim.setdefault("spec", {})
    if isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")


STRATEGY = Strategy(
    ResourceType(
        "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, ("pvc",), (), ("status",)
    ),
    printer=Printer(COLUMNS, cells),
    defaults=defaults,
    # SetDefaults_PersistentVolumeClaim: a new claim is Pending.
    initial_status={"phase": "Pending"},
)
