"""Load benchmark: residents casting through the real HTTP flow, against gunicorn + PostgreSQL.

Figures for the README, not pass/fail. Everything runs on loopback, in databases of its own
(created and dropped here). It reports:

1. casting: C concurrent clients, each with logged-in voters, for a fixed time go through
   open ballot -> review -> cast -> receipt; ballots/s, latency of the cast (POST and the
   receipt page it redirects to) p50/p95/p99, errors, and a reconciliation with the database;
   with the CPU each part used per ballot (app workers, PostgreSQL, these clients);
2. the web tier's own ceiling: the same clients fetching a static file through the app;
3. the database's own ceiling: pgbench with a one-row INSERT script, same clients and time;
4. the results page of a pot with 100,000 ballots (tallied and published once): p50 of GETs.

The app runs with CSRF protection on, as in production.

    .venv/bin/python benchmarks/cast_load.py --seconds 20 --clients 32

Log-in is slow on purpose (argon2), so voters log in before the timed phase; each voter casts
once in each of several pots, so a short run needs few log-ins.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from tests.served import Browser, fresh_database, gunicorn, worker_pids  # noqa: E402

NONCE = re.compile(r'name="nonce" value="([^"]+)"')
# Open the ballot, review it, cast (a POST answered 303) and the receipt page it leads to.
REQUESTS_PER_BALLOT = 4


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc; 0 for gone ones)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (the benchmark's server is local)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" ", 2)[1] == "(postgres)":
                pids.append(int(stat.parent.name))
        except OSError:
            continue
    return pids


class CpuMeter:
    """Where the CPU went during a phase: app workers, PostgreSQL, and this load generator."""

    def __init__(self, master):
        self.master = master

    def _read(self) -> dict:
        return {
            "app": cpu_seconds(worker_pids(self.master)),
            "postgres": cpu_seconds(postgres_pids()),
            "clients": time.process_time(),
        }

    def __enter__(self):
        self.start = self._read()
        return self

    def __exit__(self, *exc):
        end = self._read()
        self.used = {part: end[part] - self.start[part] for part in end}


def run_clients(master, threads) -> tuple[float, dict]:
    """Start the client threads, wait for all; (seconds taken, CPU used by each part)."""
    with CpuMeter(master) as cpu:
        begun = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - begun
    return elapsed, cpu.used


def seed(url: str, instance: Path, voters: int, pots: int):
    """Migrate, then a ward with `pots` pots in voting and `voters` eligible residents."""
    from flask_migrate import upgrade

    from pb import create_app
    from pb.extensions import db
    from tests.factories import World, make_pot, make_proposal, make_user, round_of

    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=instance, MAIL_OUTBOX=instance
    )
    with app.app_context():
        upgrade()
        world = World.build()
        pot_ids = []
        for n in range(pots):
            # Each pot its own round: every voter votes in every pot.
            pot = make_pot(
                world.council,
                world.north,
                phase="voting",
                max_picks=2,
                name=f"Pot {n}",
                round=round_of(world.council, f"Load round {n}"),
            )
            choices = [make_proposal(pot, cost=20_000 + i * 1_000).id for i in range(5)]
            pot_ids.append((pot.id, choices))
        emails = [make_user().email for _ in range(voters)]
        db.session.commit()
        db.session.close()
    return app, pot_ids, emails


def cast_phase(base, master, pot_ids, emails, clients: int, seconds: float) -> dict:
    from tests.factories import PASSWORD

    browsers = [Browser(base) for _ in emails]
    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(Browser.log_in, browsers, emails, [PASSWORD] * len(emails)))
    login_seconds = time.monotonic() - started

    # Each client owns some voters and works through (voter, pot) pairs: each casts once per pot.
    work = [[] for _ in range(clients)]
    for v, browser in enumerate(browsers):
        for pot_id, choices in pot_ids:
            work[v % clients].append((browser, pot_id, choices, v))
    latencies: list[float] = []
    receipts: list[str] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    ran_out = []

    def client(jobs):
        for n, (browser, pot_id, choices, v) in enumerate(jobs):
            if time.monotonic() >= stop_at:
                return
            picked = [choices[(v + n) % len(choices)]]
            try:
                browser.request(f"/pots/{pot_id}/ballot")
                status, _, page = browser.request(f"/pots/{pot_id}/ballot", {"choices": picked})
                nonce = NONCE.search(page).group(1)
                began = time.monotonic()
                status, receipt = browser.cast(pot_id, picked, nonce)
                took = time.monotonic() - began
            except (OSError, AttributeError) as exc:
                status, receipt, took = type(exc).__name__, None, None
            with lock:
                if status == 200 and receipt:
                    latencies.append(took)
                    receipts.append(receipt)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        ran_out.append(True)

    threads = [threading.Thread(target=client, args=(jobs,)) for jobs in work]
    elapsed, cpu = run_clients(master, threads)
    return {
        "login_seconds": login_seconds,
        "elapsed": elapsed,
        "latencies": latencies,
        "receipts": receipts,
        "errors": errors,
        "clients_out_of_work": len(ran_out),
        "cpu": cpu,
    }


def web_ceiling(base, master, clients: int, seconds: float) -> dict:
    """The web tier's own limit: the same clients fetching a static file through the app.

    Every request still passes through gunicorn, Flask and the security headers, but touches
    no database: no page of the casting flow can be served faster than this.
    """
    stop_at = time.monotonic() + seconds
    counts = []

    def client():
        browser, done = Browser(base), 0
        while time.monotonic() < stop_at:
            status, _, _ = browser.request("/static/vendor/pb.css")
            done += status == 200
        counts.append(done)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    elapsed, cpu = run_clients(master, threads)
    return {"requests": sum(counts), "elapsed": elapsed, "cpu": cpu}


def reconcile(app, pot_ids, receipts) -> dict:
    from pb.extensions import db
    from pb.voting.models import Participation, SealedBallot

    ids = [pot_id for pot_id, _ in pot_ids]
    with app.app_context():
        ballots = db.session.scalar(
            select(func.count()).select_from(SealedBallot).where(SealedBallot.pot_id.in_(ids))
        )
        participations = db.session.scalar(
            select(func.count()).select_from(Participation).where(Participation.pot_id.in_(ids))
        )
        duplicates = db.session.scalar(
            select(func.count()).select_from(
                select(Participation.pot_id, Participation.user_id)
                .where(Participation.pot_id.in_(ids))
                .group_by(Participation.pot_id, Participation.user_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        db.session.close()
    return {
        "ballots": ballots,
        "participations": participations,
        "acknowledged": len(receipts),
        "distinct_receipts": len(set(receipts)),
        "duplicate_participations": duplicates,
    }


def pgbench(server_url: str, clients: int, seconds: int) -> float:
    """Transactions/s of a one-row INSERT on the same server (pgbench's own database)."""
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    with fresh_database(server_url, f"pb_pgbench_{os.getpid()}") as bench_url:
        name = make_url(bench_url).database
        args = [
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
        ]
        table = "CREATE TABLE hits (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), v text)"
        subprocess.run(["psql", *args, "-q", "-d", name, "-c", table], check=True)
        threads = min(clients, os.cpu_count() or 1)
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
            script.write("INSERT INTO hits (v) VALUES (md5(random()::text));\n")
        try:
            done = subprocess.run(
                ["pgbench", *args, "-n", "-c", str(clients), "-j", str(threads),
                 "-T", str(seconds), "-f", script.name, name],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
        finally:
            os.unlink(script.name)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    return float(match.group(1))


def results_page(app, base, ballots: int, gets: int) -> dict:
    """A pot with `ballots` ballots, tallied and published once; time GETs of its results."""
    from pb.extensions import db
    from pb.results.services import publish, run_tally
    from pb.voting.models import Ballot
    from tests.factories import make_pot, make_proposal, make_user

    with app.app_context():
        from pb.councils.models import Council, Ward

        council = db.session.scalar(select(Council))
        ward = db.session.scalar(select(Ward).where(Ward.council_id == council.id))
        pot = make_pot(council, ward, phase="closed", rule="greedy", name="Big pot", amount=500_000)
        proposals = [make_proposal(pot, cost=30_000 + 7_000 * i).id for i in range(20)]
        rows = [
            {"id": f"bench{n:027d}", "pot_id": pot.id, "channel": "online",
             "choices": sorted({proposals[(n * k + k) % 20] for k in (1, 7, 13)})}
            for n in range(ballots)
        ]  # fmt: skip
        started = time.monotonic()
        for chunk in range(0, len(rows), 10_000):
            db.session.execute(insert(Ballot), rows[chunk : chunk + 10_000])
        db.session.commit()
        insert_seconds = time.monotonic() - started
        admin = make_user(roles=[("admin", None)])
        started = time.monotonic()
        run_tally(pot, admin)
        publish(pot, admin)
        db.session.commit()
        tally_seconds = time.monotonic() - started
        pot_id = pot.id
        db.session.close()
    browser = Browser(base)
    times = []
    for _ in range(gets):
        began = time.monotonic()
        status, _, _ = browser.request(f"/pots/{pot_id}/results")
        times.append(time.monotonic() - began)
        assert status == 200, status
    return {
        "insert_seconds": insert_seconds,
        "tally_publish_seconds": tally_seconds,
        "times": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default=os.environ.get(
            "PB_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--voters", type=int, default=64, help="voters logged in (argon2: slow)")
    parser.add_argument("--pots", type=int, default=80, help="pots each voter may cast in")
    parser.add_argument("--seconds", type=int, default=20)
    # One sync worker per core measured best here: the clients and PostgreSQL share the cores,
    # and more processes than cores cost more in switching than they gain (README).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread when > 1)")
    parser.add_argument("--results-ballots", type=int, default=100_000)
    parser.add_argument("--results-gets", type=int, default=7)
    args = parser.parse_args()
    cpus = os.cpu_count()
    kind = f"gthread, {args.threads} threads each" if args.threads > 1 else "sync"
    print(f"machine: {cpus} CPUs; gunicorn {args.workers} workers ({kind}); {args.clients} clients")

    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.server, f"pb_bench_{os.getpid()}") as url,
    ):
        instance = Path(tmp)
        app, pot_ids, emails = seed(url, instance, args.voters, args.pots)
        try:
            with gunicorn(url, instance, args.workers, args.threads, csrf=True) as (base, master):
                cast = cast_phase(base, master, pot_ids, emails, args.clients, args.seconds)
                ceiling = web_ceiling(base, master, args.clients, max(5, args.seconds // 2))
                check = reconcile(app, pot_ids, cast["receipts"])
                results = results_page(app, base, args.results_ballots, args.results_gets)
        finally:
            from pb.extensions import db

            with app.app_context():
                db.engine.dispose()
        tps = pgbench(args.server, args.clients, args.seconds)

    report(args, emails, cast, ceiling, check, results, tps)


def report(args, emails, cast, ceiling, check, results, tps) -> None:
    lat = [t * 1000 for t in cast["latencies"]]
    rate = len(cast["receipts"]) / cast["elapsed"]
    got = len(cast["receipts"])
    print(f"log-in of {len(emails)} voters before the timed phase: {cast['login_seconds']:.1f} s")
    print(f"casting for {cast['elapsed']:.1f} s: {got} ballots, {rate:.1f} ballots/s")
    if cast["clients_out_of_work"]:
        print(f"  note: {cast['clients_out_of_work']} clients ran out of (voter, pot) pairs early")
    p50, p95, p99 = (percentile(lat, share) for share in (0.5, 0.95, 0.99))
    print(f"  cast latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}")
    print(f"  errors: {sum(cast['errors'].values())} {cast['errors'] or ''}")
    if got:
        cpu = ", ".join(f"{part} {1000 * used / got:.1f}" for part, used in cast["cpu"].items())
        busy = sum(cast["cpu"].values()) / cast["elapsed"]
        print(f"  CPU ms per ballot: {cpu} ({busy:.2f} of {os.cpu_count()} CPUs busy)")
    same = {check["ballots"], check["acknowledged"], check["participations"]}
    ok = len(same) == 1 and check["distinct_receipts"] == got
    ok = ok and check["duplicate_participations"] == 0
    print(
        f"  reconciliation: ballots stored {check['ballots']}, 2xx casts {got}, "
        f"participations {check['participations']}, "
        f"distinct receipts {check['distinct_receipts']}, "
        f"duplicate participations {check['duplicate_participations']} "
        f"-> {'OK' if ok else 'MISMATCH'}"
    )
    print(f"pgbench one-row INSERT, {args.clients} clients, {args.seconds} s: {tps:.0f} tps")
    print(f"  our casts are {100 * rate / tps:.2f}% of the database's raw insert rate")
    static = ceiling["requests"] / ceiling["elapsed"]
    per_request = 1000 * ceiling["cpu"]["app"] / max(1, ceiling["requests"])
    print(
        f"web tier alone (static file through gunicorn + Flask, {args.clients} clients): "
        f"{static:.0f} requests/s, app CPU {per_request:.2f} ms per request"
    )
    print(
        f"  a ballot is {REQUESTS_PER_BALLOT} requests, so even with no database work the "
        f"ceiling would be {static / REQUESTS_PER_BALLOT:.0f} ballots/s = "
        f"{100 * static / REQUESTS_PER_BALLOT / tps:.1f}% of pgbench"
    )
    ms = [t * 1000 for t in results["times"]]
    print(
        f"results page, {args.results_ballots:,} ballots: "
        f"bulk insert {results['insert_seconds']:.1f} s, "
        f"tally + publish {results['tally_publish_seconds']:.1f} s, "
        f"GET p50 {statistics.median(ms):.1f} ms "
        f"(min {min(ms):.1f}, max {max(ms):.1f}, n={len(ms)})"
    )


if __name__ == "__main__":
    main()
