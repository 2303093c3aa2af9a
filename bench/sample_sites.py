#!/usr/bin/env python3
"""Draw a seeded random sample of the call sites costlint prices (calls per day above zero) from
`costlint check/scan --format json` outputs, and print each with its source lines, for labelling
by hand.

    bench/sample_sites.py [--n 100] [--seed 7] CORPUS_ROOT NAME=OUT.json [NAME=OUT.json ...]

NAME is the repository's folder under CORPUS_ROOT (where the JSON's relative paths start).
"""
import argparse
import json
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("root")
    ap.add_argument("outputs", nargs="+")
    a = ap.parse_args()
    sites = []
    for spec in a.outputs:
        name, path = spec.split("=", 1)
        with open(path) as f:
            report = json.load(f)
        for s in report["sites"]:
            if s["usage"]["calls_per_day"] > 0:
                sites.append((name, s))
    rng = random.Random(a.seed)
    sample = rng.sample(sites, min(a.n, len(sites)))
    print(f"# {len(sample)} of {len(sites)} priced sites, seed {a.seed}")
    for i, (name, s) in enumerate(sample, 1):
        file = os.path.join(a.root, name, s["path"])
        try:
            with open(file, encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
        except OSError as e:
            lines = [f"<{e}>"]
        line = s["line"]
        lo, hi = max(1, line - 3), min(len(lines), line + 3)
        monthly = (s.get("cost") or {}).get("monthly")
        print(f"\n## {i}. {name}/{s['path']}:{line} model={s['model']['text']!r} "
              f"key={s.get('key')} monthly={monthly}")
        for n in range(lo, hi + 1):
            mark = ">" if n == line else " "
            print(f"{mark}{n:5} {lines[n - 1][:160]}")


if __name__ == "__main__":
    main()
