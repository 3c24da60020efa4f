"""The criteria preview (municipality-api.md, `POST criteria/preview`): the tally
of the cases of a window under the active and the posted criteria, and the job
that computes it in the background when the window is large (docs/decisions.md,
"Preview").

A small window answers at once; a window the municipality's monthly counters
say may hold more than AT_ONCE_CASES cases becomes a job. Either way the answer
(or the job's `result`) is the body the spec fixes, counted by PreviewTally over
the cases oldest first, so both give the same figures and the same sample.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.criteria import Criteria

MOVED_SAMPLE = 20
# At most this many cases (by the monthly counters) answer at once: ~1 s of reads and
# ~30 MB (bench-scale), far from API Gateway's 29 s; beyond it the window is a job.
AT_ONCE_CASES = 2000
# The preview queue's maxReceiveCount (template.yaml): the worker marks the job failed
# on this attempt, before its message goes to the dead-letter queue.
JOB_ATTEMPTS = 3
# The preview function's Timeout (template.yaml): an attempt still `running` after this
# long was cut off. On the last attempt nothing will mark the job failed (the function
# died before its own `except`), so the view says failed (job_view).
JOB_ATTEMPT_SECONDS = 300
JOB_KEPT_DAYS = 3  # a job and its result expire (table TTL) this long after it was asked

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATUSES = (QUEUED, RUNNING, DONE, FAILED)
# What a job says when it could not finish (its attempts are used up); never a traceback.
JOB_ID = re.compile(r"pj-[0-9a-f]{24}")  # ids.new_id("pj"): anything else names no job
JOB_ERROR = {"error": "preview_failed", "message": "the preview could not be computed; ask again"}


@dataclass
class PreviewTally:
    """Counts per basket under each criteria, and the first moved cases."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    moved_sample: list[dict[str, Any]] = field(default_factory=list)
    moved: int = 0
    cases: int = 0

    def add(self, case_id: str, now_in: str, would_be: str) -> None:
        self.cases += 1
        self.counts.setdefault(now_in, {"active": 0, "preview": 0})["active"] += 1
        self.counts.setdefault(would_be, {"active": 0, "preview": 0})["preview"] += 1
        if now_in != would_be:
            self.moved += 1
            if len(self.moved_sample) < MOVED_SAMPLE:
                self.moved_sample.append({"case_id": case_id, "from": now_in, "to": would_be})

    def body(self, *, days: int, active: ActiveCriteria, proposed: Criteria) -> dict[str, Any]:
        """The spec's answer: the posted criteria's baskets, then the active ones' not among them."""
        baskets: list[dict[str, Any]] = []
        for basket in (*proposed.baskets, *active.criteria.baskets):
            if any(row["basket_id"] == basket.id for row in baskets):
                continue
            count = self.counts.get(basket.id, {"active": 0, "preview": 0})
            baskets.append({"basket_id": basket.id, "name": basket.name, **count})
        return {"days": days, "cases": self.cases, "active_version": active.version, "baskets": baskets,
                "moved": self.moved, "moved_sample": self.moved_sample}


def job_view(job: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """A job as the API shows it: ids, status and moments; the result once done. A last
    attempt running longer than the function may run timed out: failed, at its end."""
    job = {**job, **_timed_out(job, now)}
    view = {name: job[name] for name in ("job_id", "status", "days", "created_at", "started_at", "finished_at")
            if job.get(name) is not None}
    if job["status"] == DONE:
        view["result"] = job["result"]
    if job["status"] == FAILED:
        view["error"] = dict(JOB_ERROR)
    return view


def _timed_out(job: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What a job's view changes when its last attempt was cut off: nothing otherwise."""
    if job["status"] != RUNNING or not job.get("last_attempt") or not job.get("started_at"):
        return {}
    cut_off = datetime.fromisoformat(job["started_at"].replace("Z", "+00:00")) + timedelta(seconds=JOB_ATTEMPT_SECONDS)
    if now < cut_off:
        return {}
    return {"status": FAILED, "finished_at": clock.iso(cut_off)}
