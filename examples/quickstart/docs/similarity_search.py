"""Exact nearest-neighbour search over a handful of vectors, without a database.

This is what a vector database does for a small collection: compare the query with every stored
vector and keep the best scores. Qdrant does the same with an HNSW index once a collection is too
large to scan, and with payload filters applied before ranking.

Run it with Python 3.9 or newer; it needs only the standard library.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Point:
    """A stored vector with its payload, like a point in a Qdrant collection."""

    id: str
    vector: tuple[float, ...]
    payload: dict = field(default_factory=dict)


def normalise(vector: tuple[float, ...]) -> tuple[float, ...]:
    """Scales a vector to length 1, so that a dot product is the cosine similarity."""
    length = math.sqrt(sum(x * x for x in vector))
    if length == 0:
        raise ValueError("cannot normalise a zero vector")
    return tuple(x / length for x in vector)


def cosine(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Cosine similarity of two normalised vectors: 1 is the same direction, -1 the opposite."""
    if len(a) != len(b):
        raise ValueError(f"expected dim: {len(a)}, got {len(b)}")
    return sum(x * y for x, y in zip(a, b))


def search(points, query, limit=3, where=None):
    """Returns the `limit` points closest to `query` as (score, point), best first.

    `where` is an optional dict of payload values that a point must match, applied before
    ranking, as a Qdrant filter with `must` conditions would be.
    """
    query = normalise(query)
    candidates = (
        p for p in points
        if not where or all(p.payload.get(k) == v for k, v in where.items())
    )
    scored = ((cosine(query, p.vector), p) for p in candidates)
    return heapq.nlargest(limit, scored, key=lambda pair: pair[0])


if __name__ == "__main__":
    collection = [
        Point("a", normalise((0.9, 0.1, 0.0)), {"source": "docs", "title": "Installing"}),
        Point("b", normalise((0.8, 0.3, 0.1)), {"source": "docs", "title": "Upgrading"}),
        Point("c", normalise((0.0, 0.2, 0.9)), {"source": "wiki", "title": "Holiday rota"}),
        Point("d", normalise((0.1, 0.9, 0.2)), {"source": "docs", "title": "Configuration"}),
    ]
    for score, point in search(collection, (1.0, 0.2, 0.0), limit=2, where={"source": "docs"}):
        print(f"{score:.3f}  {point.id}  {point.payload['title']}")
