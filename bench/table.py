#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints vmar_bench --json output as the markdown table of the README.

Usage: bench/table.py bench.json
"""

import json
import sys


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
          f"page {meta.get('page', '?')} B, {meta.get('seconds', 0):.0f} s\n")
    print("| # | benchmark | vmar | baseline | ratio | target | verdict |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        what = r["what"] + (f" ({r['note']})" if r["note"] else "")
        base = f"{r['baseline']:.1f} {r['unit']}" if r["baseline"] else "-"
        target = "-"
        if r["target"]:
            target = (">= " if r["at_least"] else "<= ") + f"{r['target']:.2f}"
        print(f"| {r['id']} | {what} | {r['value']:.1f} {r['unit']} | {base} "
              f"| {r['ratio']:.3f} | {target} | {r['verdict']} |")


if __name__ == "__main__":
    main()
