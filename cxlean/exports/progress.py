"""Progress of a running export, reported to its job with a cheap UPDATE now and then.

A writer knows how many rows it will write (one COUNT) and calls `tick()` per row; every
`every` rows the job's progress, rows and `progress_at` are updated in one statement
without loading the job (`BackgroundJob.heartbeat`, cxlean/core/jobs.py). `progress_at`
is also the worker's heartbeat: the requeue sweep takes a running job silent for long
to have lost its worker.
"""

from __future__ import annotations

EVERY = 2_000


class Progress:
    """Counts rows; `job_id=None` (the management command) only counts."""

    def __init__(self, job_id: int | None = None, every: int = EVERY):
        self.job_id = job_id
        self.every = every
        self.total = 0
        self.done = 0  # rows of the current count, towards `total`
        self.rows = 0  # rows written in all

    def expect(self, rows: int) -> None:
        """Add `rows` to what will be written (writers call it per sheet)."""
        self.total += rows

    def tick(self, rows: int = 1) -> None:
        before = self.done
        self.done += rows
        self.rows += rows
        if self.job_id is not None and self.done // self.every != before // self.every:
            self.report()

    def count(self, rows: int = 1) -> None:
        """Rows written that are not part of the expected total (headers, legends)."""
        self.rows += rows

    @property
    def percent(self) -> int:
        """0–99 while writing: 100 is for a job whose file is saved."""
        if not self.total:
            return 0
        return min(99, 100 * self.done // self.total)

    def report(self) -> None:
        from cxlean.exports.models import ExportJob

        if self.job_id is None:
            return
        ExportJob.heartbeat(self.job_id, progress=self.percent, rows=self.rows)
