"""Audit package build: time and peak memory for a pot of N ballots (issue 14, point 5).

    python benchmarks/package_bench.py --ballots 1000000 [--database-url URL]

Target: 1,000,000 ballots with peak memory under 500 MB (the old build held the whole package
in memory: 2.2 GB). The pot is made directly in the database (N ballots and N chain events,
bulk-inserted), then `package.store(pot)` runs in a fresh process so that its peak RSS
(getrusage) is the build's own. Prints figures; nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _app(url: str, instance: Path):
    from pb import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance)


def setup(url: str, instance: Path, ballots: int) -> int:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from pb.audit import signing
    from pb.audit.models import ChainEvent
    from pb.councils.models import Council, Ward
    from pb.extensions import db
    from pb.pots.models import Pot
    from pb.proposals.models import Proposal
    from pb.results.models import Result
    from pb.timeutil import utcnow
    from pb.voting.models import Ballot

    app = _app(url, instance)
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        council = Council(name="Bench Council", annual_budget=0)
        ward = Ward(council=council, name="Bench", code="E05999999", population=ballots)
        db.session.add_all([council, ward])
        db.session.flush()
        signing.create(council)
        pot = Pot(council=council, ward=ward, name="Bench pot", amount=10_000_000, year=2026)
        pot.phase, pot.seed, pot.max_picks = "published", "s" * 64, 5
        pot.seed_sha256 = hashlib.sha256(pot.seed.encode()).hexdigest()
        db.session.add(pot)
        db.session.flush()
        projects = [
            Proposal(
                pot=pot, ward_id=ward.id, title=f"Project {i:03d}", summary="s",
                description="d", cost=100_000 + i, category="other", status="on_ballot",
            )
            for i in range(50)
        ]  # fmt: skip
        db.session.add_all(projects)
        db.session.flush()
        ids = [p.id for p in projects]
        db.session.add(
            Result(
                pot_id=pot.id, version=1, rule="greedy", seed=pot.seed,
                outcome={"selected": [str(ids[0])], "projects": [], "total_cost": 0},
                ballots_online=ballots, ballots_paper=0, published_at=utcnow(),
            )
        )  # fmt: skip
        db.session.commit()
        rng = random.Random(1)
        batch = 20_000
        for start in range(0, ballots, batch):
            n = min(batch, ballots - start)
            db.session.execute(
                sa.insert(Ballot),
                [
                    {
                        "id": f"{rng.getrandbits(128):032x}",
                        "pot_id": pot.id,
                        "channel": "online",
                        "receipt_sha256": None,
                        "choices": sorted(rng.sample(ids, rng.randint(1, 5))),
                        "cast_on": utcnow().date(),
                    }
                    for _ in range(n)
                ],
            )
            db.session.execute(
                sa.insert(ChainEvent),
                [
                    {
                        "pot_id": pot.id, "height": start + i, "type": "ballot_cast",
                        "parent": "0" * 64, "payload_sha256": f"{rng.getrandbits(256):064x}",
                        "at": "2026-05-01T09:30:00Z",
                    }
                    for i in range(n)
                ],
            )  # fmt: skip
            db.session.commit()
        pot_id = pot.id
        db.engine.dispose()
    return pot_id


def build(url: str, instance: Path, pot_id: int) -> dict:
    from pb.audit import package
    from pb.extensions import db
    from pb.pots.models import Pot

    app = _app(url, instance)
    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        stored = package.store(db.session.get(Pot, pot_id))
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        db.engine.dispose()
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_before_build_mb": round(before / 1024, 1),
        "package_mb": round(stored.size / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--_build", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._build:
        url, instance, pot_id = args._build
        print(json.dumps(build(url, Path(instance), int(pot_id))))
        return
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        started = time.perf_counter()
        pot_id = setup(url, instance, args.ballots)
        print(f"set-up: {args.ballots:,} ballots in {time.perf_counter() - started:.0f} s")
        out = subprocess.run(
            [sys.executable, __file__, "--_build", url, str(instance), str(pot_id)],
            check=True, capture_output=True, text=True, env={**os.environ, "PB_ENV": "test"},
        )  # fmt: skip
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        dialect = url.split(":", 1)[0]
        print(
            f"{dialect}: built and stored in {figures['seconds']} s, peak RSS "
            f"{figures['peak_rss_mb']} MB (target < 500 MB; {figures['rss_before_build_mb']} MB "
            f"before the build), package {figures['package_mb']} MB compressed"
        )


if __name__ == "__main__":
    main()
