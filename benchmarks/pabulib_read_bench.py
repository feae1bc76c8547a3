"""Reading pabulib files: pb.tally.pabulib.read on the largest shared files (target < 0.3 s
for a 3.7 MB file: parse, every cell kept, and the grouped election ready to count).

Run with ``python benchmarks/pabulib_read_bench.py`` (figures, not pass/fail);
``--pabutools`` adds pabutools' own reader (parse_pabulib) beside it for scale.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pb.tally import pabulib  # noqa: E402

PABULIB = ROOT / ".." / "shared" / "pabulib"
TARGET_S = 0.3


def median_seconds(fn, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (CPU is what a busy shared machine cannot inflate)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def lodz_sized(voters: int = 90_494, projects: int = 160, seed: int = 2022) -> str:
    """A file the size of Łódź 2022 (3.7 MB: 90,494 voters, 160 projects, voting_method, age
    and sex), harder than the real one: ballots of 1 to 9 projects drawn at random, so
    nearly every ballot is distinct."""
    rng = random.Random(seed)
    ids = [f"L{n:03d}" for n in range(1, projects + 1)]
    weights = [1 / (n + 5) for n in range(projects)]
    lines = ["META", "key;value", "description;Łódź-sized test", "country;Poland", "unit;Łódź"]
    lines += ["instance;2022", f"num_projects;{projects}", f"num_votes;{voters}"]
    lines += ["budget;40000000", "vote_type;approval", "rule;greedy", "PROJECTS"]
    lines += ["project_id;cost;name"] + [
        f"{pid};{rng.randrange(10, 2000) * 1000};{pid}" for pid in ids
    ]
    lines += ["VOTES", "voter_id;vote;age;sex;voting_method"]
    for voter in range(1, voters + 1):
        chosen = set(rng.choices(ids, weights, k=rng.randint(1, 9)))
        method = "paper" if voter % 9 == 0 else "internet"
        sex = "MF"[voter % 2]
        lines.append(f"{voter};{','.join(sorted(chosen))};{rng.randint(16, 90)};{sex};{method}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=3, help="how many of the largest files")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pabutools", action="store_true")
    args = parser.parse_args()
    paths = sorted(PABULIB.glob("*.pb"), key=lambda p: p.stat().st_size, reverse=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}; median of {args.repeat} reads, wall clock")
    print(f"target: under {TARGET_S} s for a 3.7 MB file\n")
    print("| file | size | voters | distinct ballots | pb read: wall / CPU | pabutools: wall |")
    print("|---|---|---|---|---|---|")
    for path in paths[: args.files]:
        data = pabulib.read(path)
        wall, cpu = median_seconds(lambda p=path: pabulib.read(p), args.repeat)
        theirs = ""
        if args.pabutools:
            from pabutools.election import parse_pabulib

            theirs = f"{median_seconds(lambda p=path: parse_pabulib(str(p)), 1)[0]:.2f} s"
        size = path.stat().st_size / 1e6
        print(
            f"| {path.name} | {size:.1f} MB | {data.election.profile.num_voters:,} "
            f"| {data.election.profile.num_groups:,} | {wall:.3f} s / {cpu:.3f} s | {theirs} |"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lodz_sized.pb"
        path.write_text(lodz_sized(), encoding="utf-8")
        data = pabulib.read(path)
        wall, cpu = median_seconds(lambda: pabulib.read(path), args.repeat)
        print(
            f"| synthetic, Łódź 2022's size | {path.stat().st_size / 1e6:.1f} MB "
            f"| {data.election.profile.num_voters:,} | {data.election.profile.num_groups:,} "
            f"| {wall:.3f} s / {cpu:.3f} s | |"
        )


if __name__ == "__main__":
    main()
