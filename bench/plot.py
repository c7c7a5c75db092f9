#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draws placement cost against the number of children as an SVG.

Usage: vmar_bench --json > bench.json && bench/plot.py bench.json > placement.svg

Reads the JSON lines vmar_bench prints (figure 1: ids "1c" and "1r"), and
plots the median nanoseconds per allocate+destroy against n on a log scale,
one line for compact and one for randomised placement, with a bar from the
fastest to the slowest repeat at each point. Standard library only.
"""

import json
import math
import re
import sys

W, H = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 60
COLOURS = {"1c": "#1f77b4", "1r": "#d62728"}
LABELS = {"1c": "compact", "1r": "randomised"}


def load(path):
    series = {"1c": [], "1r": []}
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            rec = json.loads(line)
            if "machine" in rec:
                meta = rec
                continue
            if rec.get("id") in series and rec.get("median") is not None:
                m = re.search(r"n=(\d+)", rec["what"])
                if m:
                    series[rec["id"]].append(
                        (int(m.group(1)), rec["median"], rec["min"], rec["max"])
                    )
    return series, meta


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    series, meta = load(sys.argv[1])
    points = [p for s in series.values() for p in s]
    if not points:
        sys.exit("no placement figures (ids 1c/1r) in " + sys.argv[1])
    xs = [math.log10(p[0]) for p in points]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    # A round top for the y axis, with five round steps.
    raw = max(p[3] for p in points) * 1.05 / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    y1 = step * 5
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(n):
        return LEFT + (math.log10(n) - x0) / max(x1 - x0, 1) * pw

    def py(v):
        return TOP + ph - v / y1 * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">'
        f"allocate+destroy of one child among n children</text>",
    ]
    # Axes, grid and ticks.
    out.append(
        f'<line x1="{LEFT}" y1="{TOP + ph}" x2="{LEFT + pw}" y2="{TOP + ph}" '
        f'stroke="black"/>'
    )
    out.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + ph}" stroke="black"/>'
    )
    for e in range(x0, x1 + 1):
        x = px(10**e)
        out.append(
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{TOP + ph}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x}" y="{TOP + ph + 18}" text-anchor="middle">1e{e}</text>'
        )
    for i in range(6):
        v = y1 * i / 5
        y = py(v)
        out.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + pw}" y2="{y}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end">{v:.0f}</text>'
        )
    out.append(
        f'<text x="{LEFT + pw / 2}" y="{H - 20}" text-anchor="middle">'
        f"children already in the VMAR (n, log scale)</text>"
    )
    out.append(
        f'<text x="16" y="{TOP + ph / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + ph / 2})">'
        f"ns per allocate+destroy (median, min-max)</text>"
    )
    # One line per placement kind, with a legend.
    for k, (sid, pts) in enumerate(sorted(series.items())):
        pts = sorted(pts)
        if not pts:
            continue
        path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v, _, _ in pts)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{COLOURS[sid]}" '
            f'stroke-width="2"/>'
        )
        for n, v, lo, hi in pts:
            out.append(
                f'<line x1="{px(n):.1f}" y1="{py(lo):.1f}" x2="{px(n):.1f}" '
                f'y2="{py(hi):.1f}" stroke="{COLOURS[sid]}" stroke-width="1"/>'
            )
            out.append(
                f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" '
                f'fill="{COLOURS[sid]}"/>'
            )
        ly = TOP + 10 + 18 * k
        out.append(
            f'<line x1="{LEFT + 14}" y1="{ly}" x2="{LEFT + 34}" y2="{ly}" '
            f'stroke="{COLOURS[sid]}" stroke-width="2"/>'
        )
        out.append(f'<text x="{LEFT + 40}" y="{ly + 4}">{LABELS[sid]}</text>')
    if meta:
        out.append(
            f'<text x="{W - RIGHT}" y="{H - 6}" text-anchor="end" fill="#666">'
            f'{meta.get("machine", "")}, {meta.get("date", "")}</text>'
        )
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
