#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints vmar_bench --json output as the markdown table of the README.

Usage: bench/table.py bench.json

Each row shows vmar's median and its min-max over the repeats, the
baseline's median, the median of the per-repeat ratios (what the verdict
uses) with their range, the target and the verdict.
"""

import json
import sys


def num(x):
    """A number for the table: fewer decimals for bigger numbers."""
    if x is None:
        return "-"
    a = abs(x)
    return f"{x:.0f}" if a >= 1000 else f"{x:.1f}" if a >= 10 else f"{x:.3f}"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    meta, rows = {}, []
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.startswith("{"):
                rec = json.loads(line)
                (rows.append(rec) if "id" in rec else meta.update(rec))
    print(f"{meta.get('machine', '?')}, {meta.get('date', '?')}, "
          f"page {meta.get('page', '?')} B, {meta.get('seconds', 0):.0f} s, "
          f"{meta.get('repeats', '?')} repeats\n")
    print("| # | benchmark | vmar median | min–max | baseline median "
          "| ratio (min–max) | target | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["verdict"] == "skipped":
            print(f"| {r['id']} | {r['what']} | - | - | - | - | - "
                  f"| skipped ({r['note']}) |")
            continue
        what = r["what"] + (f" ({r['note']})" if r["note"] else "")
        unit = r["unit"]
        base = "-"
        if r["baseline_median"] is not None:
            base = f"{num(r['baseline_median'])} {unit}"
        ratio = "-"
        if r["ratio"] is not None:
            ratio = (f"{r['ratio']:.3f} ({r['ratio_min']:.3f}–"
                     f"{r['ratio_max']:.3f})")
        target = "-"
        if r["target"]:
            target = (">= " if r["at_least"] else "<= ") + f"{r['target']:.2f}"
        print(f"| {r['id']} | {what} | {num(r['median'])} {unit} "
              f"| {num(r['min'])}–{num(r['max'])} | {base} | {ratio} "
              f"| {target} | {r['verdict']} |")


if __name__ == "__main__":
    main()
