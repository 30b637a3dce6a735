"""Running the pipeline over a corpus: ``local`` (a process pool on this machine, one
writer).  A ``dask`` runner (``--dask tcp://host:8786``) will map the same ``process`` task
over a cluster and keep the single writer."""

from nutgraf.run.local import IngestStats, ingest

__all__ = ["IngestStats", "ingest"]
