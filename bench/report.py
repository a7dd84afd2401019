#!/usr/bin/env python3
"""Turns bench/run.sh's raw key=value results into artifacts/bench.json and prints the one table.

Derived figures (throughput ratios to the spawn ceiling, the targets and whether each was met) are
computed here, once, so the table, the JSON and the chart cannot disagree. Standard library only.

usage: report.py <results.txt> <bench.json>
       report.py --only=auth <results.txt>   (the jwt_auth rows alone; writes nothing)
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


HTTP_TARGETS = ("direct", "fwatchdog", "nginx")  # the upstream alone, and the two proxies in front of it


def derive_http(http):
    """mode=http: req/s of each way to the upstream, and the proxies' ratio to the direct rate."""
    for key in HTTP_TARGETS:
        run = http.get(key)
        if not run or not run.get("duration_us"):
            continue
        run["ok_per_second"] = (run["requests"] - run["status_errors"]) / (run["duration_us"] / 1e6)
    direct = http.get("direct", {}).get("ok_per_second")
    for key in ("fwatchdog", "nginx"):
        run = http.get(key, {})
        if run.get("ok_per_second") and direct:
            run["ratio_to_direct"] = run["ok_per_second"] / direct
    wd = http.get("fwatchdog", {})
    if wd.get("requests") and "cpu_seconds" in wd:
        wd["cpu_us_per_request"] = wd["cpu_seconds"] * 1e6 / wd["requests"]
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
    return [
        target("mode=http req/s x direct, 64 conns", wd.get("ratio_to_direct"), 0.40, at_most=False),
        target("mode=http p99, 64 conns", us_to_ms(wd.get("p99_us")), 2 * direct_p99 if direct_p99 else None, unit="ms"),
        target("mode=http peak RSS, 64 conns", wd.get("peak_rss_kib") / 1024 if wd.get("peak_rss_kib") else None, 32, unit="MiB"),
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
    """mode=http rows: (section,) or (metric, text, target, verdict), all in the fwatchdog column."""
    http = report.get("http") or {}
    if not http:
        return
    targets = {t["name"]: t for t in report["watchdogs"].get("fwatchdog", {}).get("targets", [])}
    meta = report["meta"]
    yield (f"mode=http: nginx `return 200` upstream, wrk GET, 64 conns, {meta.get('duration_s')} s per run",)

    def row(metric, text, name=None):
        entry = targets.get(name) if name else None
        return (metric, text, limit_text(entry) if entry else "", verdict(entry) if entry else "")

    for key, label in (("direct", "upstream directly"), ("fwatchdog", "through fwatchdog mode=http"), ("nginx", "through nginx (reference proxy)")):
        run = http.get(key, {})
        ratio = f" (x{num(run.get('ratio_to_direct'))} direct)" if run.get("ratio_to_direct") else ""
        yield row(f"{label}: req/s", f"{num(run.get('ok_per_second'))}{ratio}", "mode=http req/s x direct, 64 conns" if key == "fwatchdog" else None)
        yield row(f"{label}: p50 / p99", f"{num(us_to_ms(run.get('p50_us')))} / {num(us_to_ms(run.get('p99_us')))} ms",
                  "mode=http p99, 64 conns" if key == "fwatchdog" else None)
    wd = http.get("fwatchdog", {})
    yield row("fwatchdog CPU per proxied request", f"{num(wd.get('cpu_us_per_request'))} us")
    peak = wd.get("peak_rss_kib")
    yield row("fwatchdog peak RSS during the runs", f"{num(peak / 1024 if peak else None)} MiB", "mode=http peak RSS, 64 conns")
    download = http.get("download", {})
    dl_peak = download.get("peak_rss_kib")
    yield row(f"{(download.get('bytes') or 0) // MIB} MiB download through fwatchdog: peak RSS, time",
              f"{num(dl_peak / 1024 if dl_peak else None)} MiB, {num(download.get('seconds'))} s (HTTP {download.get('status', '-')})",
              "mode=http download peak RSS")
    first = http.get("first_chunk", {})
    yield row("first flushed chunk: direct / through fwatchdog (median of 5)",
              f"{num(first.get('direct', {}).get('median_ms'))} / {num(first.get('fwatchdog', {}).get('median_ms'))} ms",
              "mode=http first flushed chunk")


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
    results, output = sys.argv[1:3]
    report = derive(parse_results(results))
    with open(output, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    print_table(report)


if __name__ == "__main__":
    main()
