"""Running the pipeline over a corpus: ``local`` (a process pool on this machine, one
writer) and ``dask`` (``--dask tcp://host:8786``: the same ``process`` task on a Dask
cluster, the same single writer here)."""

from nutgraf.run.local import IngestStats, ingest

__all__ = ["IngestStats", "ingest"]
