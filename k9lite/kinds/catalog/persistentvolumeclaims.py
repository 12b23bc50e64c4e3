"""PersistentVolumeClaims: the server's Table; at 80 columns STATUS, VOLUME and CAPACITY stay,
the storage class and the access modes give way first."""

from __future__ import annotations

from k9lite.kinds.base import ColumnHint, Kind
from k9lite.model.resources import Resource

KIND = Kind(
    Resource(
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        True,
        "persistentvolumeclaim",
        ("pvc",),
    ),
    "PersistentVolumeClaims",
    column_hints={
        "STATUS": ColumnHint(),
        "VOLUME": ColumnHint(min_width=12),
        "CAPACITY": ColumnHint(),
        "ACCESS MODES": ColumnHint(priority=3),
        "STORAGECLASS": ColumnHint(priority=2, min_width=12),
        "VOLUMEATTRIBUTESCLASS": ColumnHint(priority=4, min_width=8),
        "AGE": ColumnHint(priority=1),
    },
)
