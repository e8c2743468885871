"""Batches on a Dask cluster (the ``dask`` extra): records read in partitions on the workers, merged here in input
order, so a cluster run writes the bytes a one-machine run writes.

Partitioning (``_partition``), the cut-down of a partition whose task kills its worker (``_bisect``), the packages'
per-partition parts (``_parts``), the cluster export (``_export``: connecting, scheduling, merging) and the cluster
ingest (``_ingest``). Dask itself is imported only when a cluster is connected to.
"""

from typing import Any

from ._export import ClusterError, cluster_outcomes, connect, stop_tasks
from ._parts import spread_on

_INGEST = ("Capture", "IngestJob", "cluster_ingest", "cluster_ingest_manifest")


def __getattr__(name: str) -> Any:
    """The cluster ingest, imported on first use (it imports the ingest package, which export runs never need)."""
    if name in _INGEST:
        from . import _ingest

        return getattr(_ingest, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Capture",
    "ClusterError",
    "IngestJob",
    "cluster_ingest",
    "cluster_ingest_manifest",
    "cluster_outcomes",
    "connect",
    "spread_on",
    "stop_tasks",
]
