#!/usr/bin/env python3
"""Turns bench/run.sh's raw key=value results into artifacts/bench.json and prints the one table.

Derived figures (throughput ratios to the spawn ceiling, the targets and whether each was met) are
computed here, once, so the table, the JSON and the chart cannot disagree. Standard library only.

usage: report.py <results.txt> <bench.json>
       report.py --only=auth <results.txt>   (the jwt_auth rows alone; writes nothing)
       report.py --only=http <results.txt>   (the mode=http rows and table alone; writes nothing)
"""
import json
import os
import sys

MIB = 1024 * 1024
CONNECTIONS = (1, 8, 64)
STREAMS = (  # key, what the table calls it
    ("classic_in", "in -> sha512sum, classic"),
    ("streaming_in", "in -> sha512sum, mode=streaming"),
    ("classic_out", "out (head -c), classic"),
    ("streaming_out", "out (head -c), mode=streaming"),
)


def parse_results(path):
    """key.sub.leaf=value lines -> nested dicts, numbers as numbers."""
    tree = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            key, sep, value = line.rstrip("\n").partition("=")
            if not sep:
                continue
            node = tree
            *parents, leaf = key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = to_number(value)
    return tree


def to_number(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def best_ceiling_runs(passes):
    """{pass: {tN: run}} -> {tN: the run with more spawns/s, tagged with its pass}; the passes too."""
    best = {}
    for name, runs in passes.items():
        for threads, run in runs.items():
            if run.get("per_second", 0) > best.get(threads, {}).get("per_second", -1):
                best[threads] = dict(run, best_of_pass=name)
    return {**best, "passes": passes}


def derive(tree):
    """Adds ratios, the ceiling and per-watchdog targets to the parsed tree; returns the report."""
    ceiling = best_ceiling_runs(tree.get("ceiling", {}))
    rates = [run.get("per_second", 0) for key, run in ceiling.items() if key != "passes"]
    best = max(rates, default=0) or None
    single = ceiling.get("t1", {}).get("p50_us")
    ceiling["best_per_second"] = best
    ceiling["single_spawn_p50_ms"] = single / 1000 if single else None

    watchdogs = tree.get("wd", {})
    for wd in watchdogs.values():
        for c in CONNECTIONS:
            run = wd.get(f"c{c}")
            if not run or not run.get("duration_us"):
                continue
            seconds = run["duration_us"] / 1e6
            run["ok_per_second"] = (run["requests"] - run["status_errors"]) / seconds
            run["socket_errors"] = sum(run[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
            run["ratio_to_ceiling"] = run["ok_per_second"] / best if best else None
            if run.get("requests") and "cpu_seconds" in run:
                run["cpu_us_per_request"] = run["cpu_seconds"] * 1e6 / run["requests"]
        uploads = wd.get("uploads", {})
        if uploads.get("uploads") and "peak_rss_kib" in uploads and "idle_rss_kib" in uploads:
            uploads["kib_per_upload"] = (uploads["peak_rss_kib"] - uploads["idle_rss_kib"]) / uploads["uploads"]
        wd["targets"] = targets_for(wd, best, ceiling["single_spawn_p50_ms"], tree["meta"])
    http = derive_http(tree.get("http", {}))
    if "fwatchdog" in watchdogs and http:
        watchdogs["fwatchdog"]["targets"] += http_targets(http)
    return {"meta": tree.get("meta", {}), "ceiling": ceiling, "watchdogs": watchdogs, "http": http,
            "auth": derive_auth(tree.get("auth", {}))}


HTTP_WAYS = ("direct", "fwatchdog", "nginx", "ofwatchdog")  # the upstream alone, and the proxies in front of it
HTTP_PROXIES = ("fwatchdog", "nginx", "ofwatchdog")
HTTP_GROUPS = (  # key (None: the top level of "http"), what the tables call it
    (None, "nginx `return 200`, GET"),
    ("post", "nginx `return 200`, POST 11 B"),
    ("echo", "Go echo upstream, POST 11 B"),
)
HTTP_CPU_LIMIT = 1.5  # issue 18: fwatchdog's CPU per proxied request <= 1.5 x nginx proxy_pass's


def http_group(http, key):
    return http if key is None else http.get(key, {})


def derive_http(http):
    """mode=http: per upstream and method, req/s of each way to the upstream, the proxies' ratio to the
    direct rate, their CPU per request and its ratio to nginx's."""
    if not http:
        return http
    http["cpu_vs_nginx"] = {}
    for key, _ in HTTP_GROUPS:
        group = http_group(http, key)
        for way in HTTP_WAYS:
            run = group.get(way)
            if not isinstance(run, dict) or not run.get("duration_us"):
                continue
            run["ok_per_second"] = (run["requests"] - run["status_errors"]) / (run["duration_us"] / 1e6)
            run["socket_errors"] = sum(run.get(k, 0) for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
            if run.get("requests") and "cpu_seconds" in run:
                run["cpu_us_per_request"] = run["cpu_seconds"] * 1e6 / run["requests"]
        direct = group.get("direct", {}).get("ok_per_second")
        nginx_cpu = group.get("nginx", {}).get("cpu_us_per_request")
        ratios = {}
        for way in HTTP_PROXIES:
            run = group.get(way, {})
            if run.get("ok_per_second") and direct:
                run["ratio_to_direct"] = run["ok_per_second"] / direct
            if way != "nginx" and run.get("cpu_us_per_request") and nginx_cpu:
                run["cpu_ratio_to_nginx"] = ratios[way] = run["cpu_us_per_request"] / nginx_cpu
        http["cpu_vs_nginx"][key or "get"] = ratios
    # The watchdog in front of nginx `return 200` is one process for the GET and the POST runs.
    peaks = [http_group(http, key).get("fwatchdog", {}).get("peak_rss_kib") for key in (None, "post")]
    peaks = [p for p in peaks if isinstance(p, (int, float))]
    http["fwatchdog_peak_rss_kib"] = max(peaks) if peaks else None
    return http


def http_targets(http):
    def target(name, value, limit, at_most=True, unit=""):
        ok = None if value is None or limit is None else (value <= limit if at_most else value >= limit)
        return {"name": name, "value": value, "limit": limit, "at_most": at_most, "unit": unit, "pass": ok}

    wd, direct, download = http.get("fwatchdog", {}), http.get("direct", {}), http.get("download", {})
    direct_p99 = us_to_ms(direct.get("p99_us"))
    peak = download.get("peak_rss_kib")
    entry = target("mode=http download peak RSS", peak / 1024 if peak else None, 64, unit="MiB")
    if download.get("status") != 200 or download.get("bytes") != download.get("bytes_expected", download.get("bytes")):
        entry["pass"] = False
    wd_peak = http.get("fwatchdog_peak_rss_kib")
    cpu = http.get("cpu_vs_nginx", {})
    return [
        target("mode=http req/s x direct, 64 conns", wd.get("ratio_to_direct"), 0.40, at_most=False),
        target("mode=http p99, 64 conns", us_to_ms(wd.get("p99_us")), 2 * direct_p99 if direct_p99 else None, unit="ms"),
        target("mode=http peak RSS, 64 conns", wd_peak / 1024 if wd_peak else None, 32, unit="MiB"),
        target("mode=http CPU per request / nginx's, GET", cpu.get("get", {}).get("fwatchdog"), HTTP_CPU_LIMIT, unit="x"),
        target("mode=http CPU per request / nginx's, POST 11 B", cpu.get("post", {}).get("fwatchdog"), HTTP_CPU_LIMIT, unit="x"),
        entry,
        target("mode=http first flushed chunk", http.get("first_chunk", {}).get("fwatchdog", {}).get("median_ms"), 100, unit="ms"),
    ]


AUTH_VARIANTS = (  # key, what the table calls it
    ("reference", "no jwt_auth (reference)"),
    ("cached", "jwt_auth, one token reused (cache hit)"),
    ("rs256", "jwt_auth, RS256, new token per call"),
    ("es256", "jwt_auth, ES256, new token per call"),
)
AUTH_CHECKS = (  # the status each sanity call must get: key, expected, what the table calls it
    ("no_token", 401, "no token"),
    ("forged_token", 401, "forged RS256"),
    ("rs256_token", 200, "RS256"),
    ("es256_token", 200, "ES256"),
    ("reference_token", 200, "reference"),
)
AUTH_CACHED_LIMIT_US = 5  # informational: a cache hit should cost a dictionary look-up, not a verification


def derive_auth(auth):
    """jwt_auth: each variant's rounds summed (req/s, CPU per request; p50/p99 of the worse round), and
    what each costs per request over the reference, overall and round by round (the rounds interleave)."""
    if not auth:
        return auth
    rounds = int(auth.get("rounds") or 0)
    for key, _ in AUTH_VARIANTS:
        variant = auth.get(key)
        if not isinstance(variant, dict):
            continue
        runs = [variant[f"r{r}"] for r in range(1, rounds + 1) if variant.get(f"r{r}", {}).get("duration_us")]
        if not runs:
            continue
        total = lambda field: sum(run.get(field, 0) for run in runs)
        for run in runs:
            if run.get("requests") and "cpu_seconds" in run:
                run["cpu_us_per_request"] = run["cpu_seconds"] * 1e6 / run["requests"]
        variant["requests"] = total("requests")
        variant["status_errors"] = total("status_errors")
        variant["socket_errors"] = sum(total(k) for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
        variant["ok_per_second"] = (variant["requests"] - variant["status_errors"]) / (total("duration_us") / 1e6)
        variant["p50_us"] = max(run.get("p50_us", 0) for run in runs)
        variant["p99_us"] = max(run.get("p99_us", 0) for run in runs)
        if variant["requests"] and all("cpu_seconds" in run for run in runs):
            variant["cpu_us_per_request"] = total("cpu_seconds") * 1e6 / variant["requests"]
    reference = auth.get("reference", {})
    for key, _ in AUTH_VARIANTS[1:]:
        variant = auth.get(key)
        if not isinstance(variant, dict) or variant.get("cpu_us_per_request") is None or reference.get("cpu_us_per_request") is None:
            continue
        variant["cost_us_per_request"] = variant["cpu_us_per_request"] - reference["cpu_us_per_request"]
        variant["cost_us_per_round"] = [
            variant[f"r{r}"]["cpu_us_per_request"] - reference[f"r{r}"]["cpu_us_per_request"]
            for r in range(1, rounds + 1)
            if "cpu_us_per_request" in variant.get(f"r{r}", {}) and "cpu_us_per_request" in reference.get(f"r{r}", {})]
    checks = auth.get("check", {})
    if checks:
        auth["checks_ok"] = all(checks.get(key) == expected for key, expected, _ in AUTH_CHECKS)
    cost = auth.get("cached", {}).get("cost_us_per_request")
    auth["targets"] = [{"name": "jwt_auth cached cost per request (informational)", "value": cost,
                        "limit": AUTH_CACHED_LIMIT_US, "at_most": True, "unit": "us",
                        "pass": None if cost is None else cost <= AUTH_CACHED_LIMIT_US}]
    return auth


def targets_for(wd, ceiling, spawn_ms, meta):
    """Each target: what, measured value, limit, and pass (None when it could not be measured)."""
    def get(*path):
        node = wd
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        return node

    def target(name, value, limit, at_most=True, unit=""):
        ok = None if value is None or limit is None else (value <= limit if at_most else value >= limit)
        return {"name": name, "value": value, "limit": limit, "at_most": at_most, "unit": unit, "pass": ok}

    def kib_to_mib(kib):
        return kib / 1024 if isinstance(kib, (int, float)) else None

    floor = 0.95 * ceiling if ceiling else None
    result = [
        target("throughput, 8 conns", get("c8", "ok_per_second"), floor, at_most=False, unit="req/s"),
        target("throughput, 64 conns", get("c64", "ok_per_second"), floor, at_most=False, unit="req/s"),
        target("p99, 64 conns", us_to_ms(get("c64", "p99_us")), 1.5 * 64 / ceiling * 1000 if ceiling else None, unit="ms"),
        target("p50, 1 conn", us_to_ms(get("c1", "p50_us")), 1.15 * spawn_ms if spawn_ms else None, unit="ms"),
        target("peak RSS, 64 conns", kib_to_mib(get("peak_rss_c64_kib")), 20, unit="MiB"),
        target("idle RSS", kib_to_mib(get("idle_rss_kib")), 8, unit="MiB"),
    ]
    for key, label in STREAMS:
        stream = get("stream", key) or {}
        peak = kib_to_mib(stream.get("peak_rss_kib"))
        entry = target(f"stream {label}", peak, 48, unit="MiB")
        if not stream.get("ok"):
            entry["pass"] = False  # a wrong or missing body misses, whatever the memory
        result.append(entry)
    per_upload = target("RSS per in-flight upload", get("uploads", "kib_per_upload"), 256, unit="KiB")
    if get("uploads", "ok") != get("uploads", "uploads"):
        per_upload["pass"] = False  # a failed upload misses, whatever the memory
    result += [
        per_upload,
        target("exec to first 200", get("first_response", "median_ms"), 5, unit="ms"),
        target("binary size", get("size_bytes") / 1e6 if get("size_bytes") else None, 12, unit="MB"),
    ]
    return result


def us_to_ms(us):
    return us / 1000 if isinstance(us, (int, float)) else None


# --- the table -----------------------------------------------------------------------------------

def least_cpu_per_spawn(ceiling):
    """The cheapest spawn seen in any pass: CPU cost is what load distorts least, noise only adds."""
    costs = [run.get("cpu_us_per_spawn") for runs in ceiling.get("passes", {}).values() for run in runs.values()]
    return min((c for c in costs if c), default=None)


def cpu_ratio(run, ceiling):
    spawn = least_cpu_per_spawn(ceiling)
    return run.get("cpu_us_per_request") / spawn if spawn and run.get("cpu_us_per_request") else None


def num(value, digits=2):
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def verdict(entry):
    return {True: "pass", False: "MISS", None: "n/a"}[entry["pass"]]


def limit_text(entry):
    if entry["limit"] is None:
        return "-"
    return f"{'<=' if entry['at_most'] else '>='} {num(entry['limit'])} {entry['unit']}"


def rows_for(report):
    """Yields table rows: (section,) headings or (metric, {label: text}, target, verdict)."""
    meta, ceiling, wds = report["meta"], report["ceiling"], report["watchdogs"]
    targets = {label: {t["name"]: t for t in wd["targets"]} for label, wd in wds.items()}
    main = "fwatchdog"

    def per_wd(render):
        return {label: render(wd) for label, wd in wds.items()}

    def with_target(metric, name, render):
        entry = targets.get(main, {}).get(name)
        cells = {label: render(wd) + mark(targets[label].get(name), label) for label, wd in wds.items()}
        return (metric, cells, limit_text(entry) if entry else "-", verdict(entry) if entry else "")

    def mark(entry, label):
        # The comparison column carries its own verdict inline; the main one has a column for it.
        return "" if label == main or not entry else f" [{verdict(entry)}]"

    yield (f"Spawn ceiling: C, posix_spawnp(\"cat\") + pipes + waitpid, {meta.get('body_bytes')} B body, "
           f"{meta.get('duration_s')} s per run, before and after the watchdog's wrk runs",)
    t1 = ceiling.get("t1", {})
    yield ("1 thread (better pass): per spawn p50 / p99", {main: f"{num(us_to_ms(t1.get('p50_us')))} / {num(us_to_ms(t1.get('p99_us')))} ms"}, "", "")
    passes = ceiling.get("passes", {})
    for threads in (1, 2, 8):
        runs = " / ".join(f"{name} {num(runs.get(f't{threads}', {}).get('per_second'))}" for name, runs in passes.items())
        yield (f"{threads} thread{'s' if threads > 1 else ''}: spawns/s", {main: runs}, "", "")
    yield ("CPU per spawn, spawner + cat (least of runs)", {main: f"{num(least_cpu_per_spawn(ceiling))} us"}, "", "")
    yield ("ceiling = best of the above", {main: f"{num(ceiling.get('best_per_second'))} /s"}, "", "")

    yield (f"Watchdog, fprocess=cat, wrk POST {meta.get('body_bytes')} B, {meta.get('duration_s')} s per run",)
    for c in CONNECTIONS:
        key = f"c{c}"
        conns = f"{c} conn{'s' if c > 1 else ''}"
        rate = lambda wd, key=key: (f"{num(wd.get(key, {}).get('ok_per_second'))} "
                                    f"(x{num(wd.get(key, {}).get('ratio_to_ceiling'))})")
        if c == 1:
            yield (f"{conns}: req/s (x ceiling)", per_wd(rate), "", "")
        else:
            yield with_target(f"{conns}: req/s (x ceiling)", f"throughput, {conns}", rate)
        lat = lambda wd, key=key: (f"{num(us_to_ms(wd.get(key, {}).get('p50_us')))} / "
                                   f"{num(us_to_ms(wd.get(key, {}).get('p99_us')))} ms")
        if c == 1:
            yield with_target(f"{conns}: p50 / p99 (target on p50)", "p50, 1 conn", lat)
        elif c == 64:
            yield with_target(f"{conns}: p50 / p99 (target on p99)", "p99, 64 conns", lat)
        else:
            yield (f"{conns}: p50 / p99", per_wd(lat), "", "")
        cpu = lambda wd, key=key: (f"{num(wd.get(key, {}).get('cpu_us_per_request'))} us "
                                   f"(x{num(cpu_ratio(wd.get(key, {}), ceiling))})")
        yield (f"{conns}: CPU per request, watchdog + cat (x spawn)", per_wd(cpu), "", "")
        errors = lambda wd, key=key: (f"{wd.get(key, {}).get('status_errors', '-')} / "
                                      f"{wd.get(key, {}).get('socket_errors', '-')}")
        yield (f"{conns}: non-2xx / socket errors", per_wd(errors), "", "")

    yield ("Memory, start-up, size",)
    mib = lambda kib: f"{num(kib / 1024 if isinstance(kib, (int, float)) else None)} MiB"
    yield with_target("idle RSS after start", "idle RSS", lambda wd: mib(wd.get("idle_rss_kib")))
    yield with_target("peak RSS during 64 conns", "peak RSS, 64 conns", lambda wd: mib(wd.get("peak_rss_c64_kib")))
    first = lambda wd: (f"{num(wd.get('first_response', {}).get('median_ms'))} ms "
                        f"({num(wd.get('first_response', {}).get('min_ms'))}-{num(wd.get('first_response', {}).get('max_ms'))})")
    yield with_target("exec to first 200: median (min-max) of 10", "exec to first 200", first)
    # CPU time and peak RSS at the first 200 hardly move with other load, unlike the wall time.
    startup = lambda wd: (f"{num(wd.get('first_response', {}).get('median_cpu_ms'))} ms CPU, "
                          f"{mib(wd.get('first_response', {}).get('median_hwm_kib'))}")
    yield ("start-up to first 200: CPU used, peak RSS (medians)", per_wd(startup), "", "")
    yield with_target("binary size", "binary size", lambda wd: f"{num(wd.get('size_bytes', 0) / 1e6)} MB")

    size = meta.get("stream_bytes", 0)
    size_text = f"{size // MIB} MiB" if size < 1024 * MIB else f"{size // (1024 * MIB)} GiB"
    short = " (SHORT MODE: 64 MiB instead of 1 GiB)" if meta.get("short_mode") else ""
    yield (f"Streaming {size_text} of zeros{short}: peak RSS, time (rate); body verified",)
    for key, label in STREAMS:
        def render(wd, key=key):
            stream = wd.get("stream", {}).get(key, {})
            if not stream.get("ok"):
                return f"FAILED ({stream.get('detail', 'no result')}, HTTP {stream.get('status', '-')})"
            seconds = stream.get("seconds") or None
            rate = size / MIB / seconds if seconds else None
            return f"{mib(stream.get('peak_rss_kib'))}, {num(seconds)} s ({num(rate)} MiB/s)"
        yield with_target(label, f"stream {label}", render)

    def uploads(wd):
        run = wd.get("uploads", {})
        return (f"{num(run.get('kib_per_upload'))} KiB ({run.get('ok', '-')} of {run.get('uploads', '-')} ok, "
                f"peak {mib(run.get('peak_rss_kib'))}, {num(run.get('seconds'))} s)")
    size = (wds.get(main, {}).get("uploads", {}).get("bytes") or 0) // MIB
    yield (f"Concurrent uploads of {size} MiB to `wc -c`: (peak - idle RSS) / uploads",)
    yield with_target("RSS per in-flight upload", "RSS per in-flight upload", uploads)


def http_rows(report):
    """mode=http target rows for the main table: (section,) or (metric, text, target, verdict), all in
    the fwatchdog column; the figures of every run are in http_grid."""
    http = report.get("http") or {}
    if not http:
        return
    targets = {t["name"]: t for t in http_targets(http)}
    meta = report["meta"]
    yield (f"mode=http: targets (every run in the mode=http table below), wrk 64 conns, {meta.get('duration_s')} s GET runs",)

    def row(metric, text, name=None):
        entry = targets.get(name) if name else None
        return (metric, text, limit_text(entry) if entry else "", verdict(entry) if entry else "")

    if http.get("error"):
        yield ("section", f"FAILED: {http['error']}", "", "MISS")
    wd = http.get("fwatchdog", {})
    yield row("GET through fwatchdog: req/s (x direct)", f"{num(wd.get('ok_per_second'))} (x{num(wd.get('ratio_to_direct'))})",
              "mode=http req/s x direct, 64 conns")
    yield row("GET through fwatchdog: p50 / p99", f"{num(us_to_ms(wd.get('p50_us')))} / {num(us_to_ms(wd.get('p99_us')))} ms",
              "mode=http p99, 64 conns")
    peak = http.get("fwatchdog_peak_rss_kib")
    yield row("fwatchdog peak RSS, GET and POST runs", f"{num(peak / 1024 if peak else None)} MiB", "mode=http peak RSS, 64 conns")
    for key, label in (("get", "GET"), ("post", "POST 11 B")):
        group = http_group(http, None if key == "get" else key)
        ratio = http.get("cpu_vs_nginx", {}).get(key, {}).get("fwatchdog")
        yield row(f"CPU per request / nginx's, {label}",
                  f"x{num(ratio)} ({num(group.get('fwatchdog', {}).get('cpu_us_per_request'))} / "
                  f"{num(group.get('nginx', {}).get('cpu_us_per_request'))} us)",
                  f"mode=http CPU per request / nginx's, {label}")
    download = http.get("download", {})
    dl_peak = download.get("peak_rss_kib")
    yield row(f"{(download.get('bytes') or 0) // MIB} MiB download through fwatchdog: peak RSS, time",
              f"{num(dl_peak / 1024 if dl_peak else None)} MiB, {num(download.get('seconds'))} s (HTTP {download.get('status', '-')})",
              "mode=http download peak RSS")
    first = http.get("first_chunk", {})
    yield row("first flushed chunk: direct / through fwatchdog (median of 5)",
              f"{num(first.get('direct', {}).get('median_ms'))} / {num(first.get('fwatchdog', {}).get('median_ms'))} ms",
              "mode=http first flushed chunk")


HTTP_HEADINGS = {"direct": "upstream directly", "fwatchdog": "fwatchdog mode=http", "nginx": "nginx proxy_pass",
                 "ofwatchdog": "of-watchdog mode=http"}


def http_grid(report):
    """The mode=http table: one column per way to the upstream (of-watchdog's only when it ran), rows
    per upstream and method. Returns (headers, rows, notes); rows are (section,) or [cells]."""
    http = report.get("http") or {}
    meta = report["meta"]
    ways = [w for w in HTTP_WAYS if w != "ofwatchdog" or any(
        isinstance(http_group(http, key).get("ofwatchdog"), dict) and "requests" in http_group(http, key)["ofwatchdog"]
        for key, _ in HTTP_GROUPS)]
    headers = ["measure", *[HTTP_HEADINGS[w] for w in ways]]
    rows, notes = [], []
    mib = lambda kib: f"{num(kib / 1024)} MiB" if isinstance(kib, (int, float)) else "-"
    for key, label in HTTP_GROUPS:
        group = http_group(http, key)
        seconds = meta.get("duration_s") if key is None else http.get("post_seconds", meta.get("duration_s"))
        rows.append((f"{label}, wrk 64 conns, {seconds} s per run",))
        if group.get("error"):
            rows.append(["section skipped", group["error"], *[""] * (len(ways) - 1)])
            continue
        runs = {w: group.get(w) if isinstance(group.get(w), dict) and "requests" in group.get(w) else None for w in ways}

        def cells(render, proxies_only=False):
            return [("-" if proxies_only and w == "direct" else render(runs[w])) if runs[w] else
                    (group.get(w, {}).get("error", "n/a") if isinstance(group.get(w), dict) else "n/a") for w in ways]
        rows.append(["req/s (x direct)", *cells(lambda r: num(r.get("ok_per_second"))
                                                + (f" (x{num(r['ratio_to_direct'])})" if r.get("ratio_to_direct") else ""))])
        rows.append(["p50 / p99", *cells(lambda r: f"{num(us_to_ms(r.get('p50_us')))} / {num(us_to_ms(r.get('p99_us')))} ms")])
        rows.append(["proxy's CPU per request", *cells(lambda r: f"{num(r.get('cpu_us_per_request'))} us", True)])
        rows.append(["  / nginx's", *cells(lambda r: f"x{num(r['cpu_ratio_to_nginx'])}" if r.get("cpu_ratio_to_nginx") else "", True)])
        rows.append(["proxy's peak RSS in the run", *cells(lambda r: mib(r.get("peak_rss_kib")), True)])
        rows.append(["non-2xx / socket errors", *cells(lambda r: f"{r.get('status_errors', '-')} / {r.get('socket_errors', '-')}")])
        if key == "echo" and group.get("check"):
            checks = group["check"]
            rows.append(["body echoed ('hello world')", *[
                "-" if w not in checks else ("ok" if checks[w] == 1 else f"NO: {checks.get(w + '_detail', '')}") for w in ways]])
    for key in ("error", "nginx"):
        node = http.get(key)
        if isinstance(node, str):
            notes.append(f"mode=http: {node}")
        elif isinstance(node, dict) and node.get("error"):
            notes.append(f"nginx proxy: {node['error']}")
    if isinstance(http.get("ofwatchdog"), dict) and http["ofwatchdog"].get("error") and "ofwatchdog" not in ways:
        notes.append(f"of-watchdog: {http['ofwatchdog']['error']}")
    if http.get("ofwatchdog_binary"):
        notes.append(f"of-watchdog: {http['ofwatchdog_binary']} (its fixed metrics port 8081 and its port listen on every "
                     "interface; a fresh instance of the same upstream, so x direct is against the fwatchdog phase's direct run)")
    elif "ofwatchdog" not in ways:
        notes.append("of-watchdog: not measured (OF_WATCHDOG=/path/to/of-watchdog adds its column)")
    notes.append("CPU = the proxy's own utime+stime over the run (/proc/PID/stat: every watchdog thread; nginx's one "
                 "worker); peak RSS = its VmHWM, reset before the run")
    return headers, rows, notes


def print_http_grid(report):
    headers, rows, notes = http_grid(report)
    body = [r for r in rows if len(r) > 1]
    widths = [max(len(str(r[i])) for r in [headers] + body) for i in range(len(headers))]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    print()
    print("mode=http table")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(f"== {row[0]}" if len(row) == 1 else line(row))
    for note in notes:
        print(note)


def print_http_only(report):
    """BENCH_ONLY=http: the mode=http target rows and table alone."""
    meta = report["meta"]
    print(f"\nfwatchdog benchmark, mode=http only  {meta.get('date')}  commit {meta.get('commit')}  {meta.get('cores')} cores, "
          f"load average {meta.get('loadavg_start')} at start, {meta.get('loadavg_end')} at end, elapsed {meta.get('elapsed_s')} s")
    rows = [row for row in http_rows(report) if len(row) > 1]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)] if rows else [0] * 4
    for row in http_rows(report):
        print(f"== {row[0]}" if len(row) == 1 else "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    print_http_grid(report)


def auth_rows(report):
    """jwt_auth rows: (section,) or (metric, text, target, verdict), all in the fwatchdog column."""
    auth = report.get("auth") or {}
    if not auth:
        return
    meta, tokens = report["meta"], auth.get("tokens", {})
    yield (f"jwt_auth: mode=http, nginx `return 200` upstream, wrk GET, 64 conns, {meta.get('duration_s')} s per run, "
           f"{auth.get('rounds', '-')} rounds interleaved; CPU = the watchdog's, from /proc/<pid>/stat",)
    if auth.get("error"):
        yield ("section", f"SKIPPED/FAILED: {auth['error']}", "", "")
    if tokens:
        yield ("tokens: distinct per algorithm, length (RS256 2048 / ES256 P-256)",
               f"{tokens.get('tokens')}, {tokens.get('rs256_chars')} / {tokens.get('es256_chars')} chars "
               f"(signed in {num(tokens.get('rs256_s'))} / {num(tokens.get('es256_s'))} s, RS256 by {tokens.get('rs256_signer')})", "", "")
    checks = auth.get("check", {})
    if checks:
        text = ", ".join(f"{label} {checks.get(key, '-')}" + ("" if checks.get(key) == expected else f" (expected {expected})")
                         for key, expected, label in AUTH_CHECKS)
        yield ("answers before the runs", text, "", "" if auth.get("checks_ok") else "MISS")
    target = (auth.get("targets") or [None])[0]
    for key, label in AUTH_VARIANTS:
        run = auth.get(key)
        if not isinstance(run, dict) or "requests" not in run:
            continue
        errors = f"non-2xx {run.get('status_errors')}, socket errors {run.get('socket_errors')}"
        yield (f"{label}: req/s, p50 / p99 (worse round)",
               f"{num(run.get('ok_per_second'))}, {num(us_to_ms(run.get('p50_us')))} / {num(us_to_ms(run.get('p99_us')))} ms, {errors}",
               "", "" if not run.get("status_errors") and not run.get("socket_errors") else "ERRORS")
        cpu = f"{num(run.get('cpu_us_per_request'))} us"
        if run.get("cost_us_per_request") is not None:
            rounds = ", ".join(f"{c:+.2f}" for c in run.get("cost_us_per_round", []))
            cpu += f", {run['cost_us_per_request']:+.2f} us over the reference (rounds {rounds})"
        is_cached = key == "cached" and target
        yield (f"{label}: CPU per request", cpu, limit_text(target) + " (info)" if is_cached else "",
               verdict(target) if is_cached else "")
    peak = lambda kib: num(kib / 1024 if isinstance(kib, (int, float)) else None)
    yield ("peak RSS during the runs: reference / jwt_auth watchdog",
           f"{peak(auth.get('reference', {}).get('peak_rss_kib'))} / {peak(auth.get('jwt', {}).get('peak_rss_kib'))} MiB", "", "")


def print_auth_only(report):
    """BENCH_ONLY=auth: the jwt_auth rows alone."""
    rows = [row for row in auth_rows(report) if len(row) > 1]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)] if rows else [0] * 4
    meta = report["meta"]
    print(f"\nfwatchdog benchmark, jwt_auth only  {meta.get('date')}  commit {meta.get('commit')}  {meta.get('cores')} cores, "
          f"load average {meta.get('loadavg_start')} at start, {meta.get('loadavg_end')} at end, elapsed {meta.get('elapsed_s')} s")
    for row in auth_rows(report):
        print(f"== {row[0]}" if len(row) == 1 else "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())


def print_table(report):
    labels = list(report["watchdogs"]) or ["fwatchdog"]
    # The comparison column is headed by its binary's file name, so the table says what it was.
    names = [label if label == "fwatchdog" else f"{label}: {os.path.basename(str(report['watchdogs'][label].get('binary', '')))}"
             for label in labels]
    headers = ["measure", *names, "target", "result"]
    body = []
    for row in rows_for(report):
        if len(row) == 1:
            body.append(row)
        else:
            metric, cells, target, result = row
            body.append([metric, *[cells.get(label, "") for label in labels], target, result])
    for row in [*http_rows(report), *auth_rows(report)]:
        body.append(row if len(row) == 1 else [row[0], row[1], *[""] * (len(labels) - 1), row[2], row[3]])
    widths = [max(len(str(r[i])) for r in [headers] + [r for r in body if len(r) > 1]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    meta = report["meta"]
    print()
    print(f"fwatchdog benchmark  {meta.get('date')}  commit {meta.get('commit')}  "
          f"{meta.get('cores')} cores ({meta.get('cpu')}), kernel {meta.get('kernel')}, wrk {meta.get('wrk')}")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in body:
        print(f"== {row[0]}" if len(row) == 1 else line(row))
    if report.get("http"):
        print_http_grid(report)
        print()
    for label, wd in report["watchdogs"].items():
        met = sum(1 for t in wd["targets"] if t["pass"])
        print(f"{label}: {met} of {len(wd['targets'])} targets met"
              + (f"  [error: {wd['error']}]" if wd.get("error") else "")
              + f"  (binary {wd.get('binary')})")
    print(f"peak RSS = kernel VmHWM for the run ({report['watchdogs'].get('fwatchdog', {}).get('peak_scope', '?')}); "
          f"wrk shares the {meta.get('cores')} cores; load average {meta.get('loadavg_start')} at start, "
          f"{meta.get('loadavg_end')} at end (above {meta.get('cores')} means other work skewed the figures); "
          f"elapsed {meta.get('elapsed_s')} s")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--only=auth":  # BENCH_ONLY=auth: print, write nothing
        tree = parse_results(sys.argv[2])
        print_auth_only({"meta": tree.get("meta", {}), "auth": derive_auth(tree.get("auth", {}))})
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--only=http":  # BENCH_ONLY=http: likewise
        tree = parse_results(sys.argv[2])
        print_http_only({"meta": tree.get("meta", {}), "http": derive_http(tree.get("http", {}))})
        return
    results, output = sys.argv[1:3]
    report = derive(parse_results(results))
    with open(output, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    print_table(report)


if __name__ == "__main__":
    main()
