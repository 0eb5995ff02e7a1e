from pathlib import Path
from ingest.runner import ingest_snapshot

def test_runner(neo4j):
    for day in ("day1", "day1", "day2"):
        rep = ingest_snapshot(Path("tests/data/snapshots/handwritten") / day)
        print(day, rep.status, [(m.name, m.status.value, m.errors[:1]) for m in rep.modules if m.status.value != "ok"], rep.skipped)
        print({m.name: [(c.id, c.added) for c in m.changes][:4] for m in rep.modules if m.changes and m.name.startswith(("aws.iam", "aws.s3", "aws.rds", "aws.lambda", "aws.secrets", "aws.account"))})
