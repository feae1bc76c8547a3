"""Tally speed: pb.tally beside pabutools on the largest shared elections, plus 1M ballots.

Run with ``python benchmarks/tally_bench.py`` (``make bench``). It prints figures, not
pass/fail; the targets are shown next to them:

- equal shares at least 20x faster than pabutools' method_of_equal_shares in the same run;
- equal shares add1 on Lodz 2020 faster than one plain pabutools equal-shares run;
- 1,000,000 approval ballots x 200 projects: greedy under 2 s, equal shares under 10 s, peak
  memory under 1 GB (each measured in a fresh subprocess, peak from getrusage);
- the whole process, `pb tally FILE --rule equalshares` (start, read, count, print) at least
  20x faster than pabutools' whole process (start, parse_pabulib, method_of_equal_shares), each
  a fresh process on the same Łódź-size files;
- Add1 whose time hardly depends on the step: Łódź 2020, Warszawa 2017 Wars, Wieliczka 2023
  and Częstochowa 2020 Raków in grosze with one cost raised by one grosz, stepping a whole
  złoty per voter (as the app does) and one grosz, with its proof attempts and exact runs
  counted, beside pabutools' exhaustion_by_budget_increase where it finishes within
  ``--pabutools-limit`` seconds (``--add1-only`` prints just these rows).

``--quick`` skips pabutools (minutes on these instances); ``--voters`` sizes the synthetic run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pb.tally import Election, pabulib, run  # noqa: E402

PABULIB = ROOT / ".." / "shared" / "pabulib"
REAL = ["poland_lodz_2020_.pb", "poland_krakow_2019_.pb"]


def timed(fn, repeat: int = 1):
    """(median seconds, last result) over ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def real_elections(quick: bool) -> list[dict]:
    return [row for name in REAL for row in measure(PABULIB / name, quick)]


def measure(path: Path, quick: bool) -> list[dict]:
    """pb.tally's three rules on one file, and pabutools' greedy and equal shares beside them."""
    load_s, election = timed(partial(pabulib.load, path))
    info = {
        "instance": path.name.removesuffix(".pb"),
        "voters": election.profile.num_voters,
        "distinct": election.profile.num_groups,
        "projects": len(election.projects),
        "load": load_s,
    }
    ours = {
        rule: timed(partial(run, election, rule), 1 if "add1" in rule else 3)
        for rule in ("greedy", "equalshares", "equalshares/add1")
    }
    theirs: dict[str, tuple[float, list[str]]] = {}
    if not quick:
        from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

        from pb.tally.crosscheck import pabutools_setup

        instance, multiprofile, sat_profile, ties, _ = pabutools_setup(path)
        common = {"sat_profile": sat_profile, "tie_breaking": ties}
        for rule, fn, extra in (
            ("greedy", greedy_utilitarian_welfare, {"is_sat_additive": True}),
            ("equalshares", method_of_equal_shares, {}),
        ):
            seconds, chosen = timed(partial(fn, instance, multiprofile, **common, **extra))
            theirs[rule] = (seconds, [p.name for p in chosen])
    rows = []
    for rule, (seconds, outcome) in ours.items():
        row = dict(info, rule=rule, ours=seconds, steps=outcome.add1_steps)
        if rule in theirs:
            row["pabutools"] = theirs[rule][0]
            row["same"] = list(outcome.selected) == theirs[rule][1]
        rows.append(row)
    return rows


WHOLE = ["poland_lodz_2020_.pb", "poland_krakow_2019_.pb", "poland_wroclaw_2020_.pb"]
PABUTOOLS_WHOLE = """
import sys
from pabutools.rules import method_of_equal_shares
from pb.tally.crosscheck import pabutools_setup
instance, multiprofile, sat_profile, ties, _ = pabutools_setup(sys.argv[1])
chosen = method_of_equal_shares(instance, multiprofile, sat_profile=sat_profile, tie_breaking=ties)
print(len(chosen))
"""


def whole_process(quick: bool) -> list[dict]:
    """Wall time of a fresh process doing everything: ours (`pb tally`) and pabutools'."""
    pb = str(Path(sys.executable).parent / "pb")
    rows = []
    for name in WHOLE:
        path = str(PABULIB / name)
        ours, _ = timed(
            partial(
                subprocess.run,
                [pb, "tally", path, "--rule", "equalshares", "--json"],
                capture_output=True,
                check=True,
            ),
            3,
        )
        theirs = None
        if not quick:
            theirs, _ = timed(
                partial(
                    subprocess.run,
                    [sys.executable, "-c", PABUTOOLS_WHOLE, path],
                    capture_output=True,
                    check=True,
                    cwd=ROOT,
                )
            )
        rows.append({"instance": name.removesuffix(".pb"), "ours": ours, "pabutools": theirs})
    return rows


ODD_PENCE = [
    ("Łódź 2020", "poland_lodz_2020_.pb"),
    # Warszawa 2017 Sawa is not among the shared files; Wars, its Śródmieście neighbour, is.
    ("Warszawa 2017 Wars", "poland_warszawa_2017_wars.pb"),
    ("Wieliczka 2023", "poland_wieliczka_2023.pb"),
    # Two projects with 150 supporters each, all paying in full: an exact tie of prices.
    ("Częstochowa 2020 Raków", "poland_czestochowa_2020_rakow.pb"),
]


def counted_add1(election: Election, step: int) -> tuple[float, object, int, int]:
    """Add1's seconds and outcome, with its proof attempts and exact runs counted (the
    counts, unlike the seconds, do not depend on the machine's load)."""
    from pb.tally import equalshares

    tally = equalshares._Tally
    attempt, exact = tally.attempt, tally.run
    counts = {"attempts": 0, "runs": 0}

    def counted_attempt(self, low, high, least=None):
        counts["attempts"] += 1
        return attempt(self, low, high, least)

    def counted_run(self, endowment, record=False):
        counts["runs"] += not record  # the recorded run explains the answer, once
        return exact(self, endowment, record)

    tally.attempt, tally.run = counted_attempt, counted_run
    try:
        seconds, outcome = timed(partial(run, election, "equalshares/add1", add1_step=step))
    finally:
        tally.attempt, tally.run = attempt, exact
    return seconds, outcome, counts["attempts"], counts["runs"]


PABUTOOLS_ADD1 = """
import sys, time
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
from pb.tally.crosscheck import pabutools_setup
instance, multiprofile, sat_profile, ties, _ = pabutools_setup(sys.argv[1])
kwargs = {"sat_profile": sat_profile, "tie_breaking": ties}
start = time.perf_counter()
method_of_equal_shares(instance, multiprofile, **kwargs)
one = time.perf_counter() - start
if one * float(sys.argv[3]) > float(sys.argv[4]):
    print(one, -1)
    sys.exit()
start = time.perf_counter()
exhaustion_by_budget_increase(
    instance, multiprofile, method_of_equal_shares, kwargs,
    budget_step=multiprofile.num_ballots() * int(sys.argv[2]), exhaustive_stop=False,
)
print(one, time.perf_counter() - start)
"""


def odd_pence_add1(quick: bool, limit: float) -> list[dict]:
    """Add1 counted in grosze with one cost raised by one grosz: a złoty a step, and a grosz.

    pabutools reruns Equal Shares at every step; it is run only when one of its runs times
    the number of steps fits in ``limit`` seconds, otherwise that product is shown as an
    estimate (it ignores that later runs fund more projects, so it is a low one).
    """
    import tempfile

    rows = []
    for label, name in ODD_PENCE:
        election = pabulib.load(PABULIB / name)
        costs = {pid: int(c) * 100 for pid, c in election.projects.items()}
        costs[next(iter(costs))] += 1
        pence = Election(costs, int(election.budget) * 100, election.vote_type, election.profile)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "pence.pb"
            meta = {}
            if pence.vote_type == "ordinal":
                meta["max_length"] = str(int(pence.profile.weights.max()))
            pabulib.write(pabulib.from_election(pence, meta), path)
            for step in (100, 1):
                seconds, outcome, attempts, runs = counted_add1(pence, step)
                row = {"election": label, "step": step, "seconds": seconds}
                row["attempts"], row["runs"] = attempts, runs
                row["steps"] = outcome.add1_steps
                if not quick:
                    runs = str((outcome.add1_steps or 0) + 2)
                    args = [str(path), str(step), runs, str(limit)]
                    done = subprocess.run(
                        [sys.executable, "-c", PABUTOOLS_ADD1, *args],
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=ROOT,
                    )
                    one, whole = (float(x) for x in done.stdout.split())
                    row["pabutools"] = whole if whole >= 0 else None
                    row["estimate"] = one * ((outcome.add1_steps or 0) + 2)
                rows.append(row)
    return rows


def synthetic(voters: int, projects: int = 200, seed: int = 2024):
    """Approval ballots: each voter backs 1 to 10 projects, popular ones more often."""
    rng = np.random.default_rng(seed)
    costs = (rng.integers(100, 10_000, size=projects) * 100).tolist()
    popularity = np.cumsum(1.0 / (np.arange(projects) + 8.0))
    lengths = rng.integers(1, 11, size=voters)
    row = np.repeat(np.arange(voters, dtype=np.int64), lengths)
    items = np.searchsorted(popularity, rng.random(len(row)) * popularity[-1])
    key = np.unique(row * projects + items)  # a voter backing a project twice backs it once
    row, items = key // projects, key % projects
    indptr = np.zeros(voters + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=voters), out=indptr[1:])
    ids = {f"P{i:03d}": cost for i, cost in enumerate(costs)}
    return ids, sum(costs) // 4, indptr, items


def synthetic_job(voters: int, rule: str) -> dict:
    """One synthetic measurement; runs in its own process so its peak memory is its own."""
    projects, budget, indptr, items = synthetic(voters)
    ids = list(projects)
    named = [ids[i] for i in items.tolist()]
    ballots = [
        set(named[a:b]) for a, b in zip(indptr[:-1].tolist(), indptr[1:].tolist(), strict=True)
    ]
    # Grouped as the app groups a pot's ballots (Election.from_ballots).
    group_s, election = timed(partial(Election.from_ballots, projects, budget, ballots))
    run_s, outcome = timed(partial(run, election, rule))
    return {
        "rule": rule,
        "group": group_s,
        "run": run_s,
        "distinct": election.profile.num_groups,
        "selected": len(outcome.selected),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def synthetic_rows(voters: int) -> list[dict]:
    rows = []
    for rule in ("greedy", "equalshares"):
        done = subprocess.run(
            [sys.executable, __file__, "--job", rule, "--voters", str(voters)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout))
    return rows


def report_whole(whole: list[dict], odd: list[dict]) -> None:
    print("\nWhole process, a fresh process each (start, read the file, count, print)\n")
    print(f"{'instance':<20}{'pb tally s':>11}{'pabutools s':>13}{'ratio':>8}  target >= 20x")
    for r in whole:
        if r["pabutools"]:
            ratio = r["pabutools"] / r["ours"]
            verdict = "met" if ratio >= 20 else "MISSED"
            print(
                f"{r['instance']:<20}{r['ours']:>11.2f}{r['pabutools']:>13.2f}"
                f"{ratio:>7.1f}x  {verdict}"
            )
        else:
            print(f"{r['instance']:<20}{r['ours']:>11.2f}{'-':>13}{'-':>8}")
    report_add1(odd)


def report_add1(odd: list[dict]) -> None:
    print("\nAdd1 counted in grosze, one cost raised by 1 grosz (pabutools: measured, or ~ one")
    print("of its Equal Shares runs times the steps, when that is over the --pabutools-limit)\n")
    print("attempts: proofs that a range of steps keeps the outcome; runs: exact runs\n")
    head = f"{'election':<24}{'step':>8}{'steps':>9}{'attempts':>10}{'runs':>7}{'pb.tally s':>12}"
    print(head + f"{'pabutools s':>14}")
    for r in odd:
        step = "1 zł" if r["step"] == 100 else "1 grosz"
        theirs = "-"
        if r.get("pabutools") is not None:
            theirs = f"{r['pabutools']:.2f}"
        elif "estimate" in r:
            theirs = f"~{r['estimate']:,.0f}"
        print(
            f"{r['election']:<24}{step:>8}{r['steps'] or 0:>9,}{r['attempts']:>10,}"
            f"{r['runs']:>7,}{r['seconds']:>12.2f}{theirs:>14}"
        )


def report(real: list[dict], synth: list[dict], voters: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (timings are wall clock)\n")
    print("Real elections: pb.tally on grouped ballots; pabutools 1.2.3 on its multiprofile,")
    print("weight x cost satisfaction, same tie order (rule time only, parsing excluded)\n")
    head = f"{'instance':<20}{'voters':>8}{'distinct':>10}{'proj':>6}  {'rule':<18}"
    print(head + f"{'pb.tally s':>11}{'pabutools s':>13}{'ratio':>9}  same  notes")
    mes = {}
    for r in real:
        mes.setdefault(r["instance"], {})[r["rule"]] = r
    for r in real:
        theirs = r.get("pabutools")
        ratio = f"{theirs / r['ours']:.0f}x" if theirs else "-"
        theirs_s = f"{theirs:.2f}" if theirs else "-"
        notes = f"{r['steps']} add1 steps" if r["steps"] is not None else ""
        if r["rule"] == "greedy":
            notes = f"file read and grouped in {r['load']:.2f} s"
        same = {True: "yes", False: "NO", None: "-"}[r.get("same")]
        print(
            f"{r['instance']:<20}{r['voters']:>8,}{r['distinct']:>10,}{r['projects']:>6}  "
            f"{r['rule']:<18}{r['ours']:>11.3f}{theirs_s:>13}{ratio:>9}  {same:<4}  {notes}"
        )
    print("\nTargets (real elections)")
    for name, rules in mes.items():
        plain = rules["equalshares"]
        if plain.get("pabutools"):
            ratio = plain["pabutools"] / plain["ours"]
            print(
                f"  {name}: equalshares {ratio:.0f}x faster than pabutools (target >= 20x): "
                f"{'met' if ratio >= 20 else 'MISSED'}"
            )
            add1 = rules["equalshares/add1"]
            if "lodz" in name:
                ok = add1["ours"] < plain["pabutools"]
                print(
                    f"  {name}: add1 {add1['ours']:.2f} s vs one pabutools MES run "
                    f"{plain['pabutools']:.2f} s: {'met' if ok else 'MISSED'}"
                )
    print(
        f"\nSynthetic: {voters:,} approval ballots x 200 projects "
        f"({synth[0]['distinct']:,} distinct), each rule in a fresh process\n"
    )
    print(f"{'rule':<14}{'group s':>9}{'rule s':>9}{'total s':>9}{'peak MB':>9}  target")
    limits = {"greedy": 2.0, "equalshares": 10.0}
    for r in synth:
        total = r["group"] + r["run"]
        limit = limits[r["rule"]]
        verdict = "met" if r["run"] < limit and r["peak_mb"] < 1024 else "MISSED"
        print(
            f"{r['rule']:<14}{r['group']:>9.2f}{r['run']:>9.2f}{total:>9.2f}{r['peak_mb']:>9.0f}"
            f"  rule < {limit:.0f} s, peak < 1,024 MB: {verdict}"
            f"{' (also with grouping)' if total < limit else ''}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip pabutools")
    parser.add_argument("--voters", type=int, default=1_000_000)
    parser.add_argument(
        "--pabutools-limit", type=float, default=60.0, help="longest pabutools Add1 run, s"
    )
    parser.add_argument("--add1-only", action="store_true", help="only the Add1 step rows")
    parser.add_argument("--job", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(synthetic_job(args.voters, args.job)))
        return
    if not PABULIB.is_dir():
        sys.exit(f"shared pabulib data not found at {PABULIB.resolve()}")
    odd = odd_pence_add1(args.quick, args.pabutools_limit)
    if args.add1_only:
        report_add1(odd)
        return
    report(real_elections(args.quick), synthetic_rows(args.voters), args.voters)
    report_whole(whole_process(args.quick), odd)


if __name__ == "__main__":
    main()
