"""Fold per-run change records into the net change between two runs (pure Python, no Neo4j).

Records are applied in run order. Per asset:

* added then removed cancels; removed then added is ``changed`` when the properties differ (else nothing);
* changed then changed composes: first ``before``, last ``after``; a property back to its old value drops out;
* the first ``before`` props of a removal are kept (with earlier in-range changes undone), so a removed asset
  is described as it was at the ``from`` run.

Relationships are keyed by (start, type, end): added then removed cancels, removed then added cancels.

The same fold compacts the records of pruned runs into the next retained run (history/retention.py), so its
output (``NetAsset``) can be written back as ``AssetChange`` records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.schema.loader import is_bookkeeping
from graph.schema.values import same as _same


def _loads(value: str | None) -> Any:
    return json.loads(value) if value else None


@dataclass
class NetAsset:
    asset_id: str
    label: str
    scope: str
    existed: bool  # at the "from" run
    exists: bool  # after the last folded record
    before: dict[str, Any] | None = None  # props at "from" (known for removals)
    after: dict[str, Any] | None = None  # props after the last record (known for additions)
    changes: dict[str, list[Any]] = field(default_factory=dict)  # property -> [first before, last after]

    @property
    def kind(self) -> str | None:
        if not self.existed and self.exists:
            return "added"
        if self.existed and not self.exists:
            return "removed"
        if self.existed and self.exists and self.change_list():
            return "changed"
        return None

    def change_list(self) -> list[dict[str, Any]]:
        return [
            {"property": p, "before": b, "after": a}
            for p, (b, a) in sorted(self.changes.items())
            if not is_bookkeeping(p) and not _same(a, b)
        ]

    def _apply_changes(self, diff: Iterable[Mapping[str, Any]]) -> None:
        for c in diff:
            prop = c["property"]
            if prop in self.changes:
                self.changes[prop][1] = c["after"]
            else:
                self.changes[prop] = [c["before"], c["after"]]
            if self.after is not None:
                if c["after"] is None:
                    self.after.pop(prop, None)
                else:
                    self.after[prop] = c["after"]

    def apply(
        self,
        kind: str,
        changes: list[dict[str, Any]] | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        if kind == "added":
            if not self.exists and self.existed and self.before is not None and after is not None:
                # removed then re-added: the net change is the property difference across the gap.
                self.changes = {k: [self.before.get(k), after.get(k)] for k in set(self.before) | set(after)}
            self.exists, self.after = True, dict(after) if after is not None else None
        elif kind == "changed":
            self._apply_changes(changes or [])
        elif kind == "removed":
            if self.existed and self.before is None and before is not None:
                # Undo in-range changes so the removed asset is shown as it was at "from".
                self.before = {**before, **{p: b for p, (b, _) in self.changes.items()}}
                self.before = {k: v for k, v in self.before.items() if v is not None}
            self.exists, self.after, self.changes = False, None, {}

    def record(self) -> dict[str, Any] | None:
        """This net change as an AssetChange-shaped row (for compaction), or None when nothing is left."""
        kind = self.kind
        if kind is None:
            return None
        return {
            "asset_id": self.asset_id,
            "label": self.label,
            "scope": self.scope,
            "kind": kind,
            "changes": json.dumps(self.change_list(), sort_keys=True, default=str)
            if kind == "changed"
            else None,
            "before": json.dumps(self.before, sort_keys=True, default=str) if kind == "removed" else None,
            "after": json.dumps(self.after, sort_keys=True, default=str)
            if kind == "added" and self.after is not None
            else None,
        }


def fold_assets(records: Iterable[Mapping[str, Any]]) -> dict[str, NetAsset]:
    """``records`` are AssetChange rows already in run order."""
    out: dict[str, NetAsset] = {}
    for r in records:
        kind = r["kind"]
        net = out.get(r["asset_id"])
        if net is None:
            existed = kind != "added"
            net = out[r["asset_id"]] = NetAsset(r["asset_id"], r["label"], r["scope"], existed, existed)
        net.label, net.scope = r["label"] or net.label, r["scope"] or net.scope
        net.apply(kind, _loads(r.get("changes")), _loads(r.get("before")), _loads(r.get("after")))
    return out


@dataclass
class NetRel:
    start: str
    type: str
    end: str
    scope: str | None
    existed: bool
    exists: bool

    @property
    def kind(self) -> str | None:
        if self.existed == self.exists:
            return None
        return "added" if self.exists else "removed"


def fold_relationships(records: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str, str], NetRel]:
    out: dict[tuple[str, str, str], NetRel] = {}
    for r in records:
        key = (r["start"], r["type"], r["end"])
        net = out.get(key)
        if net is None:
            existed = r["kind"] != "added"
            net = out[key] = NetRel(*key, r.get("scope"), existed, existed)
        net.exists = r["kind"] == "added"
        net.scope = r.get("scope") or net.scope
    return out
