"""The hash chain of the audit trail, in plain Python (no Django).

Each event's hash is ``sha256(prev_hash + canonical_json(content))`` where ``prev_hash``
is the hex hash of the event before it (``GENESIS_HASH`` for the first) and the content
is every recorded field except the two hashes. Canonical JSON: sorted keys, no spaces,
UTF-8; the time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC; the IP fully exploded, so
the textual form a database hands back never changes the hash.

Changing a field changes its row's hash; recomputing that hash breaks the next row's
``prev_hash``; removing a row leaves a gap in the contiguous ``seq`` numbers.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64

# The fields covered by the hash, besides the hash of the row before.
CHAINED_FIELDS: tuple[str, ...] = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "role",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "purpose",
    "grant_id",
    "outcome",
    "request_id",
    "ip",
)


def timestamp_format(value: datetime) -> str:
    """The one text form of a time in the chain: UTC, microseconds, a trailing Z."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ip_canonical(value: str | None) -> str | None:
    return ipaddress.ip_address(value).exploded if value else None


def canonical_content(row: Mapping[str, object]) -> dict[str, object]:
    """The chained fields of a row (a model's values or a dict), in canonical form."""
    content = {name: row[name] for name in CHAINED_FIELDS}
    content["created_at"] = timestamp_format(row["created_at"])  # type: ignore[arg-type]
    content["ip"] = _ip_canonical(row["ip"])  # type: ignore[arg-type]
    return content


def canonical_bytes(content: Mapping[str, object]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, row: Mapping[str, object]) -> str:
    """The hex sha256 of the previous hash followed by the row's canonical content."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(canonical_bytes(canonical_content(row)))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    """One thing wrong with the chain, at row ``seq``."""

    seq: int
    message: str

    def __str__(self) -> str:
        return f"row {self.seq}: {self.message}"


@dataclass
class ChainReport:
    """The outcome of a walk: rows seen, the last row, and the problems found.

    Only the first ``keep`` problems are kept (a wholly rewritten table would otherwise
    fill memory); ``problem_count`` counts them all.
    """

    count: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problems: list[ChainProblem] = field(default_factory=list)
    problem_count: int = 0
    keep: int = 1000

    @property
    def intact(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: ChainProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < self.keep:
            self.problems.append(problem)


def _row_problems(row: Mapping[str, object], last_seq: int, last_hash: str) -> Iterator[str]:
    seq = int(row["seq"])  # type: ignore[call-overload]
    if seq != last_seq + 1:
        first, last = last_seq + 1, seq - 1
        missing = f"row {first}" if first == last else f"rows {first}..{last}"
        yield f"{missing} missing (gap in the sequence before this row)"
    if row["prev_hash"] != last_hash:
        yield "prev_hash does not match the hash of the row before it (row removed or altered)"
    if chain_hash(str(row["prev_hash"]), row) != row["hash"]:
        yield "content does not match its hash (row altered)"


def chain_walk(
    rows: Iterable[Mapping[str, object]],
    *,
    anchor: tuple[int, str] | None = None,
    keep: int = 1000,
) -> ChainReport:
    """Walks rows in ``seq`` order from the first, recomputing every hash.

    Rows are mappings holding ``CHAINED_FIELDS`` plus ``prev_hash`` and ``hash``.
    ``anchor`` is a ``(seq, hash)`` pair recorded elsewhere (the log pipeline): the row
    must exist with that hash, which catches rows cut from the end of the chain.
    Memory stays flat however many rows there are.
    """
    report = ChainReport(keep=keep)
    for row in rows:
        seq = int(row["seq"])  # type: ignore[call-overload]
        for message in _row_problems(row, report.last_seq, report.last_hash):
            report.add(ChainProblem(seq, message))
        if anchor is not None and seq == anchor[0] and row["hash"] != anchor[1]:
            report.add(ChainProblem(seq, "hash differs from the anchor recorded elsewhere"))
        report.count += 1
        report.last_seq = seq
        report.last_hash = str(row["hash"])
    if anchor is not None and report.last_seq < anchor[0]:
        message = f"anchor row missing: the chain ends at row {report.last_seq}"
        report.add(ChainProblem(anchor[0], message + " (rows removed from the end)"))
    return report
