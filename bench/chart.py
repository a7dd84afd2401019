#!/usr/bin/env python3
"""Draws artifacts/bench.svg from artifacts/bench.json (written by report.py). Standard library only.

Three panels: throughput at 1/8/64 connections against the spawn ceiling and the 0.95x target
line; p50/p99 latency against its targets; the watchdog's memory (idle, 64 connections, each
stream) against its RSS targets. With mode=http figures, two more: its req/s directly, through
fwatchdog and through nginx; and the proxies' CPU per request (fwatchdog, nginx, and the Go
of-watchdog when it was measured) for GET and POST to nginx `return 200` and POST to the Go echo. Bars taller than an axis are clipped and labelled with their real
value, so a watchdog that buffers a whole 1 GiB body stays readable next to one that streams.

usage: chart.py <bench.json> <bench.svg>
"""
import json
import math
import sys
from xml.sax.saxutils import escape

WIDTH, PANEL_HEIGHT = 920, 250
LEFT, RIGHT, TOP = 70, 20, 60
COLORS = {"fwatchdog": "#2b6cb0", "compare": "#c05621", "direct": "#718096", "nginx": "#2f855a", "ofwatchdog": "#805ad5"}
MEMORY_AXIS_CAP_MIB = 100


def nice_axis_max(value):
    """Rounds an axis maximum up to 1, 2, 2.5, 5 or 10 times a power of ten, for readable ticks."""
    power = 10 ** math.floor(math.log10(value)) if value > 0 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


class Svg:
    def __init__(self, width, height):
        self.parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                      f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
                      f'<rect width="{width}" height="{height}" fill="white"/>']

    def rect(self, x, y, w, h, fill):
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{max(h, 0):.1f}" fill="{fill}"/>')

    def line(self, x1, y1, x2, y2, stroke="#444", dash=None, width=1):
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                          f'stroke="{stroke}" stroke-width="{width}"{dashes}/>')

    def text(self, x, y, content, anchor="start", size=12, fill="#222", weight="normal"):
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
                          f'fill="{fill}" font-weight="{weight}">{escape(str(content))}</text>')

    def render(self):
        return "\n".join(self.parts + ["</svg>"]) + "\n"


def bar_panel(svg, top, title, groups, labels, axis_max, unit, reference_lines):
    """groups: [(group name, {label: value or None}, target or None)]; reference_lines:
    [(value, text, dash pattern or None, text below the line)]. Draws bars, axis and references."""
    plot_top, plot_bottom = top + 30, top + PANEL_HEIGHT - 40
    plot_left, plot_right = LEFT, WIDTH - RIGHT
    axis_max = nice_axis_max(axis_max)
    scale = (plot_bottom - plot_top) / axis_max
    svg.text(plot_left, top + 15, title, size=14, weight="bold")
    for i in range(5):  # light grid with values
        value = axis_max * i / 4
        y = plot_bottom - value * scale
        svg.line(plot_left, y, plot_right, y, stroke="#ddd")
        svg.text(plot_left - 6, y + 4, f"{value:,.0f}", anchor="end", size=10, fill="#666")
    svg.text(plot_left - 6, plot_top - 10, unit, anchor="end", size=10, fill="#666")

    group_width = (plot_right - plot_left) / max(len(groups), 1)
    bar_width = min(60, group_width * 0.7 / max(len(labels), 1))
    for g, (name, values, target) in enumerate(groups):
        start = plot_left + g * group_width + (group_width - bar_width * len(labels)) / 2
        for b, label in enumerate(labels):
            value = values.get(label)
            x = start + b * bar_width
            if value is None:
                svg.text(x + bar_width / 2, plot_bottom - 4, "n/a", anchor="middle", size=10, fill="#999")
                continue
            shown = min(value, axis_max)
            svg.rect(x + 2, plot_bottom - shown * scale, bar_width - 4, shown * scale, COLORS.get(label, "#666"))
            clipped = "^ " if value > axis_max else ""
            svg.text(x + bar_width / 2, plot_bottom - shown * scale - 4, f"{clipped}{value:,.0f}" if value >= 100 else f"{value:.1f}",
                     anchor="middle", size=10)
        if target is not None:  # a short red tick across the group's bars marks its own limit
            y = plot_bottom - min(target, axis_max) * scale
            svg.line(start - 4, y, start + bar_width * len(labels) + 4, y, stroke="#c53030", width=2)
        svg.text(plot_left + (g + 0.5) * group_width, plot_bottom + 16, name, anchor="middle", size=11)
    for value, text, dash, label_below in reference_lines:
        if value is None:
            continue
        y = plot_bottom - min(value, axis_max) * scale
        svg.line(plot_left, y, plot_right, y, stroke="#2f855a", dash=dash, width=1.5)
        svg.text(plot_right, y + 12 if label_below else y - 4, text, anchor="end", size=10, fill="#2f855a")
    svg.line(plot_left, plot_bottom, plot_right, plot_bottom)


def ms(us):
    return us / 1000 if isinstance(us, (int, float)) else None


def main():
    source, output = sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        report = json.load(f)
    meta, ceiling, wds = report["meta"], report["ceiling"], report["watchdogs"]
    labels = list(wds) or ["fwatchdog"]

    http = report.get("http") or {}
    svg = Svg(WIDTH, TOP + (5 if http else 3) * PANEL_HEIGHT)
    svg.text(LEFT, 24, "fwatchdog benchmark", size=18, weight="bold")
    svg.text(LEFT, 44, f"{meta.get('date')}  commit {meta.get('commit')}  {meta.get('cores')} cores  "
                       f"wrk {meta.get('duration_s')} s per run"
                       + ("  (short mode)" if meta.get("short_mode") else ""), size=11, fill="#555")
    x = WIDTH - RIGHT
    for label in reversed(labels):  # legend, right-aligned
        svg.text(x, 24, label, anchor="end", size=11)
        x -= len(label) * 7 + 6
        svg.rect(x - 12, 14, 12, 12, COLORS.get(label, "#666"))
        x -= 22

    best = ceiling.get("best_per_second")
    throughput = [(f"{c} conn{'s' if c > 1 else ''}", {l: wds[l].get(f"c{c}", {}).get("ok_per_second") for l in labels}, None)
                  for c in (1, 8, 64)]
    peak_rate = max([v for _, values, _ in throughput for v in values.values() if v] + [best or 1])
    bar_panel(svg, TOP, "Requests/s, fprocess=cat (green: spawn ceiling; dashed: 0.95x target)", throughput, labels,
              peak_rate * 1.15, "req/s",
              [(best, f"ceiling {best:,.0f}/s" if best else "", None, False),
               (0.95 * best if best else None, "0.95x ceiling", "5,4", True)])

    # Latency: p50 and p99 per connection count; the axis stops at twice the larger latency target so
    # one stalled percentile does not flatten the rest (clipped bars carry their real value).
    latency, latency_limits = [], {}
    for wd in wds.values():
        for t in wd.get("targets", []):
            if t["name"] in ("p50, 1 conn", "p99, 64 conns") and t["limit"] is not None:
                latency_limits[t["name"]] = t["limit"]
    for c in (1, 8, 64):
        conns = f"{c} conn{'s' if c > 1 else ''}"
        for pct in ("p50", "p99"):
            values = {l: ms(wds[l].get(f"c{c}", {}).get(f"{pct}_us")) for l in labels}
            latency.append((f"{conns} {pct}", values, latency_limits.get(f"{pct}, {conns}")))
    longest = max([v for _, values, _ in latency for v in values.values() if v] + [1])
    cap = 2 * max(latency_limits.values(), default=longest)
    bar_panel(svg, TOP + PANEL_HEIGHT, "Latency, ms (red: target)", latency, labels,
              min(longest * 1.15, cap), "ms", [])

    def mib(kib):
        return kib / 1024 if isinstance(kib, (int, float)) else None

    memory = [("idle", {l: mib(wds[l].get("idle_rss_kib")) for l in labels}, 12),
              ("64 conns", {l: mib(wds[l].get("peak_rss_c64_kib")) for l in labels}, 20)]
    for key, name in (("classic_in", "in, classic"), ("streaming_in", "in, streaming"),
                      ("classic_out", "out, classic"), ("streaming_out", "out, streaming")):
        memory.append((name, {l: mib(wds[l].get("stream", {}).get(key, {}).get("peak_rss_kib")) for l in labels}, 48))
    biggest = max([v for _, values, _ in memory for v in values.values() if v] + [48])
    stream_size = meta.get("stream_bytes", 0) / (1024 * 1024)
    bar_panel(svg, TOP + 2 * PANEL_HEIGHT, f"Peak RSS, MiB (red: target; streams of {stream_size:,.0f} MiB)", memory, labels,
              min(biggest * 1.15, MEMORY_AXIS_CAP_MIB), "MiB", [])

    if http:  # mode=http: the same upstream directly, through fwatchdog, through nginx
        ways = ("direct", "fwatchdog", "nginx")
        rates = {w: http.get(w, {}).get("ok_per_second") for w in ways}
        p99s = {w: ms(http.get(w, {}).get("p99_us")) for w in ways}
        direct = rates.get("direct")
        bar_panel(svg, TOP + 3 * PANEL_HEIGHT,
                  "mode=http, 64 conns, req/s (dashed: 0.40x direct)",
                  [("req/s", rates, None)], list(ways), max([v for v in rates.values() if v] + [1]) * 1.15, "req/s",
                  [(0.40 * direct if direct else None, "0.40x direct", "5,4", False)])
        svg.text(WIDTH - RIGHT, TOP + 3 * PANEL_HEIGHT + 15,
                 "p99: " + ", ".join(f"{w} {p99s[w]:.1f} ms" for w in ways if p99s[w] is not None), anchor="end", size=11)

    if http:  # mode=http: the proxies' own CPU per request, per upstream and method
        groups, proxies = [], ["fwatchdog", "nginx"]
        for key, name in ((None, "nginx return 200, GET"), ("post", "nginx return 200, POST 11 B"),
                          ("echo", "Go echo, POST 11 B")):
            group = http if key is None else http.get(key, {})
            values = {p: group.get(p, {}).get("cpu_us_per_request") if isinstance(group.get(p), dict) else None
                      for p in ("fwatchdog", "nginx", "ofwatchdog")}
            if values["ofwatchdog"] is not None and "ofwatchdog" not in proxies:
                proxies.append("ofwatchdog")
            nginx_cpu = values["nginx"]
            groups.append((name, values, 1.5 * nginx_cpu if nginx_cpu else None))
        top = TOP + 4 * PANEL_HEIGHT
        biggest = max([v for _, values, _ in groups for v in values.values() if v] + [1])
        bar_panel(svg, top, "mode=http, 64 conns, the proxy's CPU per request (red: 1.5x nginx's)",
                  groups, proxies, biggest * 1.15, "us", [])
        x = WIDTH - RIGHT
        for label in reversed(proxies):  # this panel's own legend: of-watchdog is not a watchdog column
            name = "of-watchdog" if label == "ofwatchdog" else label
            svg.text(x, top + 15, name, anchor="end", size=11)
            x -= len(name) * 7 + 6
            svg.rect(x - 12, top + 5, 12, 12, COLORS.get(label, "#666"))
            x -= 22

    with open(output, "w", encoding="utf-8") as f:
        f.write(svg.render())


if __name__ == "__main__":
    main()
