"""The keyed hash chain of the audit trail, in plain Python (no Django).

Each event's hash is ``HMAC-SHA256(key, prev_hash + canonical_json(content))`` where
``prev_hash`` is the hex hash of the event before it (``GENESIS_HASH`` for the first), the
content is every recorded field except the two hashes, and the key is the chain key, which
the database never holds (``key.py``). Rows written before the chain was keyed (``seq`` up
to the key's ``keyed_after``) carry the unkeyed ``sha256(prev_hash + content)``. Canonical
JSON: sorted keys, no spaces, UTF-8; the time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC; the
IP fully exploded, so the textual form a database hands back never changes the hash.

Changing a field changes its row's hash, and nobody without the key can compute the new
one; removing a row leaves a gap in the contiguous ``seq`` numbers; anchors recorded in
write-once storage (``seq`` and hash) catch rows cut from the end and a rewrite by
someone holding the key.
"""

from __future__ import annotations

import hashlib
import hmac
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
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).exploded
    except ValueError:  # not an address (a sealed value that did not open): hashed as is
        return value


def canonical_content(row: Mapping[str, object]) -> dict[str, object]:
    """The chained fields of a row (a model's values or a dict), in canonical form."""
    content = {name: row[name] for name in CHAINED_FIELDS}
    content["created_at"] = timestamp_format(row["created_at"])  # type: ignore[arg-type]
    content["ip"] = _ip_canonical(row["ip"])  # type: ignore[arg-type]
    return content


def canonical_bytes(content: Mapping[str, object]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, row: Mapping[str, object], key: bytes | None = None) -> str:
    """The row's hash: HMAC-SHA256 under ``key`` (unkeyed sha256 for rows written before
    the chain had a key) of the previous hash followed by the row's canonical content."""
    message = prev_hash.encode("ascii") + canonical_bytes(canonical_content(row))
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


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
    fill memory); ``problem_count`` counts them all and ``first_bad_seq`` is the lowest
    row any of them names.
    """

    count: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problems: list[ChainProblem] = field(default_factory=list)
    problem_count: int = 0
    first_bad_seq: int | None = None
    keep: int = 1000

    @property
    def intact(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: ChainProblem) -> None:
        self.problem_count += 1
        if self.first_bad_seq is None or problem.seq < self.first_bad_seq:
            self.first_bad_seq = problem.seq
        if len(self.problems) < self.keep:
            self.problems.append(problem)


@dataclass(frozen=True)
class ChainKey:
    """The key rows after ``keyed_after`` are hashed with (earlier rows: unkeyed)."""

    key: bytes
    keyed_after: int = 0

    def __repr__(self) -> str:  # never show key material, even in tracebacks
        return f"ChainKey(keyed_after={self.keyed_after})"

    def for_row(self, seq: int) -> bytes | None:
        return self.key if seq > self.keyed_after else None


def _row_problems(
    row: Mapping[str, object], last_seq: int, last_hash: str, key: bytes | None
) -> Iterator[ChainProblem]:
    seq = int(row["seq"])  # type: ignore[call-overload]
    if seq != last_seq + 1:
        first, last = last_seq + 1, seq - 1
        missing = f"row {first}" if first == last else f"rows {first}..{last}"
        yield ChainProblem(first, f"{missing} missing (gap in the sequence)")
    if row["prev_hash"] != last_hash:
        message = "prev_hash does not match the hash of the row before it (row removed or altered)"
        yield ChainProblem(seq, message)
    if chain_hash(str(row["prev_hash"]), row, key) != row["hash"]:
        yield ChainProblem(seq, "content does not match its hash (row altered or re-hashed)")


def chain_walk(
    rows: Iterable[Mapping[str, object]],
    *,
    key: ChainKey | None,
    anchors: Iterable[tuple[int, str]] = (),
    keep: int = 1000,
) -> ChainReport:
    """Walks rows in ``seq`` order from the first, recomputing every hash under ``key``.

    Rows are mappings holding ``CHAINED_FIELDS`` plus ``prev_hash`` and ``hash``.
    ``anchors`` are ``(seq, hash)`` pairs recorded in write-once storage: each row must
    exist with that hash, which catches rows cut from the end of the chain and a rewrite
    by someone holding the key. ``key=None`` checks the unkeyed (pre-key) format only.
    Memory stays flat however many rows there are.
    """
    pinned = dict(anchors)
    report = ChainReport(keep=keep)
    for row in rows:
        seq = int(row["seq"])  # type: ignore[call-overload]
        row_key = key.for_row(seq) if key is not None else None
        for problem in _row_problems(row, report.last_seq, report.last_hash, row_key):
            report.add(problem)
        if seq in pinned and row["hash"] != pinned[seq]:
            report.add(ChainProblem(seq, "hash differs from the anchor in write-once storage"))
        report.count += 1
        report.last_seq = seq
        report.last_hash = str(row["hash"])
    beyond = max(pinned, default=0)
    if beyond > report.last_seq:
        first = report.last_seq + 1
        message = f"rows {first}..{beyond} missing: anchored, but the chain ends at row {first - 1}"
        report.add(ChainProblem(first, message + " (rows removed from the end)"))
    return report
