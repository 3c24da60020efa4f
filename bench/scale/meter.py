"""What the calls consumed: calls per operation, read and write units, bytes, and
a modelled latency.

The latency model (stated in the output): every DynamoDB call 5 ms, plus 10 ms per
MB DynamoDB reads (before filters), plus 60 ms per MB it returns (boto3 parses
and deserialises about 16 MB/s on a 512 MB Lambda); every S3, SQS or SES call
10 ms. Calls on one thread add up; threads working at the same time (the
preview's readers) overlap: a measurement's latency is its own thread's time
plus the other threads' time divided by the number of readers.
"""
from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

MB = 1024 * 1024
CALL_MS = 5.0
READ_MS_PER_MB = 10.0
RETURN_MS_PER_MB = 60.0
OTHER_CALL_MS = 10.0
LATENCY_MODEL = (f"modelled latency = {CALL_MS:g} ms per DynamoDB call + {READ_MS_PER_MB:g} ms per MB read "
                 f"+ {RETURN_MS_PER_MB:g} ms per MB returned + {OTHER_CALL_MS:g} ms per S3/SQS/SES call; "
                 "parallel reader threads overlap")


@dataclass
class Tally:
    calls: Counter[str] = field(default_factory=Counter)
    other_calls: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    table_write_units: int = 0
    # The half of the transactional table units that the transaction adds (included above).
    transaction_doubling: int = 0
    index_write_units: Counter[str] = field(default_factory=Counter)
    # Items and index entries written, one each (a changed index key two): what the same
    # writes would cost if every item and entry were under 1 KB and nothing transactional.
    item_writes: int = 0
    item_writes_by: Counter[str] = field(default_factory=Counter)  # by item type, its index entries with it
    # Write units by call and item type ("TransactWriteItems case"), table and index copies together.
    write_units_by: Counter[str] = field(default_factory=Counter)
    bytes_read: int = 0
    bytes_returned: int = 0
    thread_ms: defaultdict[int, float] = field(default_factory=lambda: defaultdict(float))
    owner: int = field(default_factory=threading.get_ident)
    readers: int = 1  # how many threads share the work done off the owner's thread

    @property
    def dynamodb_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def write_units(self) -> int:
        return self.table_write_units + sum(self.index_write_units.values())

    @property
    def latency_ms(self) -> float:
        others = [ms for thread, ms in self.thread_ms.items() if thread != self.owner]
        # The readers share the work evenly (a pool takes the next task as it frees up).
        return float(self.thread_ms.get(self.owner, 0.0) + sum(others) / self.readers)


class Meter:
    def __init__(self) -> None:
        self._tallies: list[Tally] = []
        self._paused = 0
        self._lock = threading.Lock()

    def measure(self) -> AbstractContextManager[Tally]:
        """A new tally of everything from now until the block ends."""
        return self.counting(Tally())

    @contextmanager
    def counting(self, tally: Tally) -> Iterator[Tally]:
        """Add to this tally until the block ends (a tally may count many blocks)."""
        with self._lock:
            self._tallies.append(tally)
        try:
            yield tally
        finally:
            with self._lock:
                self._tallies.remove(tally)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Work that is not measured (populating the table)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def _each(self) -> list[Tally]:
        if self._paused:
            return []
        with self._lock:
            return list(self._tallies)

    def read(self, operation: str, index: str | None, units: float, bytes_read: int, bytes_returned: int,
             *, count_call: bool = True) -> None:
        thread = threading.get_ident()
        ms = (CALL_MS if count_call else 0.0) + READ_MS_PER_MB * bytes_read / MB + RETURN_MS_PER_MB * bytes_returned / MB
        for tally in self._each():
            if count_call:
                tally.calls[_label(operation, index)] += 1
            tally.read_units += units
            tally.bytes_read += bytes_read
            tally.bytes_returned += bytes_returned
            tally.thread_ms[thread] += ms

    def write(self, operation: str, table_units: int, index_units: dict[str, int], *, count_call: bool = True,
              what: str = "?", doubling: int = 0, item_writes: int = 0) -> None:
        thread = threading.get_ident()
        for tally in self._each():
            if count_call:
                tally.calls[operation] += 1
                tally.thread_ms[thread] += CALL_MS
            tally.table_write_units += table_units
            tally.transaction_doubling += doubling
            tally.item_writes += item_writes
            tally.item_writes_by[what] += item_writes
            tally.index_write_units.update(index_units)
            tally.write_units_by[f"{operation} {what}"] += table_units + sum(index_units.values())

    def call(self, operation: str, index: str | None) -> None:
        """A call whose units were counted item by item (transactions, batches)."""
        thread = threading.get_ident()
        for tally in self._each():
            tally.calls[_label(operation, index)] += 1
            tally.thread_ms[thread] += CALL_MS

    def other(self, service: str, operation: str) -> None:
        thread = threading.get_ident()
        for tally in self._each():
            tally.other_calls[f"{service}:{operation}"] += 1
            tally.thread_ms[thread] += OTHER_CALL_MS


def _label(operation: str, index: str | None) -> str:
    return f"{operation} {index}" if index else operation
