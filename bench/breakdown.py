#!/usr/bin/env python3
"""bench/breakdown.sh's report: turns its raw data (artifacts/breakdown/) into one markdown page.

usage: breakdown.py report RAW-DIR LOAD-BASE BINARY-NAME   (markdown on stdout)

RAW-DIR holds results.txt (key=value), perfstat.<target>.csv (perf stat -x,), strace.<target>.txt
(strace -f -o), perf.<target>.script (perf script -F comm,tid,ip,sym,dso) and fwatchdog.syms (nm -n:
address name). LOAD-BASE is what perf's addresses in BINARY-NAME are relative to.
"""
import bisect
import collections
import os
import re
import sys

TARGETS = ("fwatchdog", "nginx")

# --- CPU profile layers ----------------------------------------------------------------------------
# A sample goes to the first layer that matches walking from the sampled frame towards the root;
# kernel frames go to the kernel, by the system call they are under. Generic code (memmove, spans,
# dictionaries, string helpers) thus counts for whoever called it.
LAYERS = [
    ("GC and allocation", re.compile(r"^(WKS::|SVR::|GCHeap|gc_heap|Rhp(New|GcAlloc|NewArray|NewObject|NewString)|RhpAssignRef|RhpCheckedAssignRef|RhpByRefAssignRef|RhpCheckedLockCmpXchg|RhpGcPoll|RhpGcStress|RhAllocate|AllocateTypedObject|S_P_CoreLib_System_GC__)")),
    ("runtime stubs (casts, interface dispatch)", re.compile(r"^(RhpUniversalTransition|InterfaceDispatch_|RhpInterfaceDispatch|RhpResolveInterfaceMethod|RhTypeCast|S_P_CoreLib_System_Runtime_TypeCast__|RhpCastableObject|RhpStelemRef|RhpLdelemaRef|S_P_CoreLib_Internal_Runtime_CompilerHelpers_|S_P_TypeLoader_)")),
    ("logging and metrics (Serilog, call log line, Prometheus)", re.compile(r"^(Serilog_|fwatchdog_Fwatchdog_Telemetry_)")),
    ("ours: ProxyEndpoint, ForwardedRequest, header copies", re.compile(r"^fwatchdog_Fwatchdog_Proxy_|<fwatchdog_Fwatchdog_Proxy_")),
    ("ours: dispatcher, call finisher, other watchdog code", re.compile(r"^fwatchdog_|<fwatchdog_")),
    ("HttpRequestMessage, HttpHeaders, Uri, validation", re.compile(r"^(System_Net_Http_System_Net_Http_(Headers_|HttpRequestMessage|HttpResponseMessage|HttpMethod|HttpContent|ByteArrayContent|ReadOnlyMemoryContent|HttpRuleParser|HttpHeaders)|S_P_Uri_|System_Private_Uri_|S_P_CoreLib_System_Uri)")),
    ("SocketsHttpHandler: pool, HttpConnection parse/write", re.compile(r"^System_Net_Http_|<System_Net_Http_")),
    ("sockets (managed): epoll loop, SocketAsyncContext, NetworkStream", re.compile(r"^(System_Net_Sockets_|System_Net_Primitives_|S_P_CoreLib_Interop_)|<System_Net_Sockets_")),
    ("Kestrel socket transport, System.IO.Pipelines", re.compile(r"^(Microsoft_AspNetCore_Server_Kestrel_Transport_Sockets_|System_IO_Pipelines_)|<(Microsoft_AspNetCore_Server_Kestrel_Transport_Sockets_|System_IO_Pipelines_)")),
    ("Kestrel: HTTP/1.1 parsing, headers, response writing", re.compile(r"^(Microsoft_AspNetCore_|Microsoft_Extensions_)|<Microsoft_AspNetCore_")),
    ("thread pool, timers, async machinery", re.compile(r"^(S_P_CoreLib_System_Threading_(ThreadPool|PortableThreadPool|ExecutionContext|Tasks_|Timer|CancellationToken|WaitSubsystem|LowLevelLifoSemaphore|SynchronizationContext|IOCompletion|ThreadInt64PersistentCounter|Thread__)|S_P_CoreLib_System_Runtime_CompilerServices_(Async|ConfiguredValueTask|ValueTaskAwaiter|TaskAwaiter|ConfiguredTaskAwaitable|ContinuationWrapper)|S_P_CoreLib_System_Threading_Tasks|S_P_CoreLib_System_TimeProvider|RhYield|PalSleep|S_P_CoreLib_Internal_Runtime_Augments_)")),
]
LIBC_SYSCALL = re.compile(r"^(__)?(libc_)?(recv|recvfrom|recvmsg|send|sendto|sendmsg|read|write|writev|readv|epoll_wait|epoll_pwait|epoll_ctl|syscall|__GI_|futex|pthread_|__lll_|lll_|sched_yield|__futex|accept4?|close)")
SYSCALL_GROUP = [
    ("recv", re.compile(r"(sys_(recvfrom|recvmsg|read|readv)|^do_readv|^ksys_read)$")),
    ("send (includes the loopback delivery to the peer)", re.compile(r"(sys_(sendto|sendmsg|write|writev|sendfile64)|^do_writev|^ksys_write)$")),
    ("epoll", re.compile(r"sys_epoll_")),
    ("futex, sched_yield", re.compile(r"sys_(futex|sched_yield)$")),
    ("other system calls", re.compile(r"^__(x64|do)_sys_\w+$")),
]


def kernel_group(frames):
    """The kernel layer of a sample whose sampled frame is in the kernel."""
    syms = [sym.split("+")[0] for _, sym, dso in frames if dso == "[kernel.kallsyms]"]
    for sym in syms:
        for label, pattern in SYSCALL_GROUP:
            if pattern.search(sym):
                return f"kernel: {label}"
    if any(s in ("__schedule", "schedule", "finish_task_switch.isra.0") for s in syms):
        return "kernel: scheduler (context switches)"
    if "do_syscall_64" in syms:
        return "kernel: system call entry/exit"
    return "kernel: interrupts, other"


def load_symbols(path):
    addresses, names = [], []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split(" ", 1)
                if len(parts) == 2:
                    addresses.append(int(parts[0], 16))
                    names.append(parts[1].rstrip("\n"))
    return addresses, names


def read_samples(path):
    """perf script output: yields (comm, frames), each frame (ip, sym, dso), leaf first."""
    if not os.path.exists(path):
        return
    frames, comm = [], None
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if comm is not None:
                    yield comm, frames
                frames, comm = [], None
                continue
            if not line.startswith("\t") and not line.startswith(" "):
                comm = line.rsplit(None, 1)[0] if len(line.split()) > 1 else line.strip()
                continue
            m = re.match(r"\s*([0-9a-f]+) (.*) \((.*)\)\s*$", line)
            if m:
                frames.append((int(m.group(1), 16), m.group(2), m.group(3)))
    if comm is not None:
        yield comm, frames


def classify_fwatchdog(raw, load_base, binary_name):
    addresses, names = load_symbols(os.path.join(raw, "fwatchdog.syms"))

    def name_of(ip, sym, dso):
        if os.path.basename(dso) == binary_name and addresses:
            i = bisect.bisect_right(addresses, ip + load_base) - 1
            return names[i] if i >= 0 else sym
        return sym

    layers = collections.Counter()
    leaves = collections.Counter()
    total = 0
    for comm, frames in read_samples(os.path.join(raw, "perf.fwatchdog.script")):
        if not frames:
            continue
        total += 1
        if frames[0][2] == "[kernel.kallsyms]":
            group = kernel_group(frames)
            layers[group] += 1
            leaves[("kernel", frames[0][1].split("+")[0])] += 1
            continue
        resolved = [name_of(ip, sym, dso) for ip, sym, dso in frames]
        leaves[("user", resolved[0])] += 1
        layer = None
        if LIBC_SYSCALL.match(resolved[0]):
            layer = "sockets: libc system call wrappers (recv, send, epoll_wait)"
        for name in resolved:
            if layer:
                break
            for label, pattern in LAYERS:
                if pattern.search(name):
                    layer = label
                    break
        layers[layer or f"other ({comm})"] += 1
    return total, layers, leaves


def classify_nginx(raw):
    layers = collections.Counter()
    total = 0
    for _, frames in read_samples(os.path.join(raw, "perf.nginx.script")):
        if not frames:
            continue
        total += 1
        if frames[0][2] == "[kernel.kallsyms]":
            group = kernel_group(frames)
            layers[group] += 1
        else:
            layers["nginx + libc (user space)"] += 1
    return total, layers


# --- system calls --------------------------------------------------------------------------------
def strace_counts(path):
    calls, errors = collections.Counter(), collections.Counter()
    if not os.path.exists(path):
        return calls, errors
    line_re = re.compile(r"^\d+\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()")
    with open(path, errors="replace") as f:
        for line in f:
            m = line_re.match(line)
            if not m or line.rstrip().endswith("<unfinished ...>"):
                continue  # counted where it returns
            name = m.group(1) or m.group(2)
            calls[name] += 1
            e = re.search(r"= -1 (E[A-Z]+)", line)
            if e:
                errors[(name, e.group(1))] += 1
    return calls, errors


def perfstat_counts(path):
    counts = {}
    if not os.path.exists(path):
        return counts
    with open(path) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) >= 3 and parts[0].isdigit():
                counts[parts[2]] = int(parts[0])
    return counts


# --- report --------------------------------------------------------------------------------------
def load_results(raw):
    results = {}
    with open(os.path.join(raw, "results.txt")) as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                results[key] = value
    return results


def num(results, key, default=0.0):
    try:
        return float(results.get(key, default))
    except ValueError:
        return default


def report(raw, load_base, binary_name):
    r = load_results(raw)
    hz = num(r, "meta.clk_tck", 100)
    out = []
    w = out.append
    w("# mode=http: where the CPU of one proxied request goes")
    w("")
    w(f"`bench/breakdown.sh` on {r.get('meta.date', '?')}, binary `{r.get('meta.binary', '?')}` (build id "
      f"`{r.get('meta.binary_build_id', '?')[:12]}`, checkout {r.get('meta.commit', '?')}), {r.get('meta.cores', '?')} cores "
      f"({r.get('meta.cpu', '?')}), kernel {r.get('meta.kernel', '?')}, nginx {r.get('meta.nginx', '?')}, load average "
      f"{r.get('meta.loadavg_start', '?')} at the start and {r.get('meta.loadavg_end', '?')} at the end. Load: wrk -t2 -c64, "
      f"POST 11 B, {r.get('meta.seconds', '?')} s a window; upstream: nginx `return 200` (3 B body) started by the watchdog as "
      "its fprocess; reference: nginx `proxy_pass` (one worker, `keepalive 64`) to the same upstream. Every figure below "
      "comes from this one run, the two proxies measured in turn.")
    w("")

    # CPU per request
    cpu = {}
    for t in TARGETS:
        ticks_u = sum(num(r, f"cpu.{t}.r{i}.utime_ticks") for i in (1, 2))
        ticks_s = sum(num(r, f"cpu.{t}.r{i}.stime_ticks") for i in (1, 2))
        requests = sum(num(r, f"cpu.{t}.r{i}.requests") for i in (1, 2))
        seconds = sum(num(r, f"cpu.{t}.r{i}.duration_us") for i in (1, 2)) / 1e6
        per = lambda ticks: ticks / hz / requests * 1e6 if requests else 0.0
        cpu[t] = dict(user=per(ticks_u), system=per(ticks_s), total=per(ticks_u + ticks_s),
                      rate=requests / seconds if seconds else 0.0)
    w("## CPU per request (untraced)")
    w("")
    w("| proxy | req/s | CPU µs/request | user µs | system µs | rounds (µs) |")
    w("|---|---:|---:|---:|---:|---|")
    for t in TARGETS:
        c = cpu[t]
        rounds = []
        for i in (1, 2):
            q = num(r, f"cpu.{t}.r{i}.requests")
            ticks = num(r, f"cpu.{t}.r{i}.utime_ticks") + num(r, f"cpu.{t}.r{i}.stime_ticks")
            rounds.append(f"{ticks / hz / q * 1e6:.1f}" if q else "-")
        label = "fwatchdog mode=http" if t == "fwatchdog" else "nginx proxy_pass (worker)"
        w(f"| {label} | {c['rate']:,.0f} | **{c['total']:.1f}** | {c['user']:.1f} | {c['system']:.1f} | {' / '.join(rounds)} |")
    if cpu["nginx"]["total"]:
        w("")
        w(f"fwatchdog / nginx CPU per request: **{cpu['fwatchdog']['total'] / cpu['nginx']['total']:.2f}x** "
          f"(user {cpu['fwatchdog']['user'] / max(cpu['nginx']['user'], 1e-9):.2f}x, "
          f"system {cpu['fwatchdog']['system'] / max(cpu['nginx']['system'], 1e-9):.2f}x). "
          "utime+stime from /proc/PID/stat (the watchdog's threads; the nginx proxy's one worker), divided by the requests wrk completed.")
    w("")

    # CPU profile
    total, layers, leaves = classify_fwatchdog(raw, load_base, binary_name)
    ntotal, nlayers = classify_nginx(raw)
    w("## fwatchdog CPU by layer (perf record -g, self time attributed up the call chain)")
    w("")
    if total:
        w(f"{total:,} samples. µs/request = share x the untraced {cpu['fwatchdog']['total']:.1f} µs/request above. A sample counts "
          "for the first layer recognised walking from the sampled function towards the root, so generic code (memmove, "
          "spans, dictionaries, string helpers) counts for its caller; kernel samples count for the system call they are in "
          "(softirq work done inside a send — the loopback delivery to the peer — counts for `send`). This VM has no PMU: "
          "perf samples on a timer, and time spent with interrupts off lands on the next `pvm_irq_enable`, which is why "
          "\"system call entry/exit\" is visible at all.")
        w("")
        w("| layer | % of CPU | µs/request |")
        w("|---|---:|---:|")
        for label, count in layers.most_common():
            share = count / total
            w(f"| {label} | {share * 100:.1f} | {share * cpu['fwatchdog']['total']:.1f} |")
        kernel_share = sum(v for k, v in layers.items() if k.startswith("kernel")) / total
        w(f"| **all kernel** | **{kernel_share * 100:.1f}** | **{kernel_share * cpu['fwatchdog']['total']:.1f}** |")
        w(f"| **all user space** | **{(1 - kernel_share) * 100:.1f}** | **{(1 - kernel_share) * cpu['fwatchdog']['total']:.1f}** |")
        w("")
        w("<details><summary>Hottest functions (self samples, top 40)</summary>")
        w("")
        w("| % | where | function |")
        w("|---:|---|---|")
        for (where, name), count in leaves.most_common(40):
            w(f"| {count / total * 100:.2f} | {where} | `{name[:150]}` |")
        w("")
        w("</details>")
    else:
        w("(no profile samples)")
    w("")
    if ntotal:
        w("### nginx proxy worker, same grouping of its kernel time")
        w("")
        w("| layer | % of CPU | µs/request |")
        w("|---|---:|---:|")
        for label, count in nlayers.most_common():
            share = count / ntotal
            w(f"| {label} | {share * 100:.1f} | {share * cpu['nginx']['total']:.1f} |")
        w("")

    # System calls
    w("## System calls per request")
    w("")
    stat = {t: perfstat_counts(os.path.join(raw, f"perfstat.{t}.csv")) for t in TARGETS}
    stat_requests = {t: num(r, f"perfstat.{t}.requests") for t in TARGETS}
    names = set()
    for t in TARGETS:
        names.update(k.split("sys_enter_", 1)[1] for k in stat[t] if k.startswith("syscalls:sys_enter_"))
    rows = []
    for n in names:
        values = [stat[t].get(f"syscalls:sys_enter_{n}", 0) / stat_requests[t] if stat_requests[t] else 0 for t in TARGETS]
        if max(values) >= 0.005:
            rows.append((n, values))
    rows.sort(key=lambda x: -max(x[1]))
    w("### Untraced (perf stat on the syscall tracepoints, full speed)")
    w("")
    w(f"Requests in the window: fwatchdog {stat_requests['fwatchdog']:,.0f}, nginx {stat_requests['nginx']:,.0f}.")
    w("")
    w("| system call | fwatchdog /request | nginx /request |")
    w("|---|---:|---:|")
    for n, (a, b) in rows:
        w(f"| {n} | {a:.2f} | {b:.2f} |")
    tot = [stat[t].get("raw_syscalls:sys_enter", 0) / stat_requests[t] if stat_requests[t] else 0 for t in TARGETS]
    eag = [stat[t].get("raw_syscalls:sys_exit", 0) / stat_requests[t] if stat_requests[t] else 0 for t in TARGETS]
    w(f"| **all system calls** | **{tot[0]:.2f}** | **{tot[1]:.2f}** |")
    w(f"| **returned EAGAIN** | **{eag[0]:.2f}** | **{eag[1]:.2f}** |")
    w("")
    w("### Under strace -f -p (names and errnos; ptrace slows the process, so waits batch differently)")
    w("")
    st = {t: strace_counts(os.path.join(raw, f"strace.{t}.txt")) for t in TARGETS}
    st_requests = {t: num(r, f"strace.{t}.requests") for t in TARGETS}
    w(f"Requests while traced: fwatchdog {st_requests['fwatchdog']:,.0f}, nginx {st_requests['nginx']:,.0f} "
      "(the window includes wrk's 64 connects and closes).")
    w("")
    w("| system call | fwatchdog /request | of which EAGAIN | nginx /request | of which EAGAIN |")
    w("|---|---:|---:|---:|---:|")
    names = set(st["fwatchdog"][0]) | set(st["nginx"][0])
    srows = []
    for n in names:
        vals = []
        for t in TARGETS:
            q = st_requests[t] or 1
            calls, errors = st[t]
            vals += [calls.get(n, 0) / q, errors.get((n, "EAGAIN"), 0) / q]
        if max(vals) >= 0.005:
            srows.append((n, vals))
    srows.sort(key=lambda x: -max(x[1][0], x[1][2]))
    for n, v in srows:
        w(f"| {n} | {v[0]:.2f} | {v[1]:.2f} | {v[2]:.2f} | {v[3]:.2f} |")
    tots = []
    for t in TARGETS:
        q = st_requests[t] or 1
        calls, errors = st[t]
        tots += [sum(calls.values()) / q, sum(v for (n, e), v in errors.items() if e == "EAGAIN") / q]
    w(f"| **all** | **{tots[0]:.2f}** | **{tots[1]:.2f}** | **{tots[2]:.2f}** | **{tots[3]:.2f}** |")
    other_errors = collections.Counter()
    for (n, e), v in st["fwatchdog"][1].items():
        if e != "EAGAIN":
            other_errors[f"{n} {e}"] += v
    if other_errors:
        w("")
        w("Other errors (fwatchdog): " + ", ".join(f"{k} {v / (st_requests['fwatchdog'] or 1):.3f}/request" for k, v in other_errors.most_common(6)) + ".")
    w("")

    # Allocations
    w("## Allocations per request (in process, bench/alloc)")
    w("")
    if "alloc.proxy.bytes_per_request" in r:
        q = num(r, "alloc.requests")
        kestrel = num(r, "alloc.kestrel.bytes_per_request")
        health = num(r, "alloc.health.bytes_per_request")
        proxy = num(r, "alloc.proxy.bytes_per_request")
        handler = num(r, "alloc.handler.bytes_per_request")
        forwarder = num(r, "alloc.forwarder.bytes_per_request", -1)
        w(f"`GC.GetTotalAllocatedBytes(true)` around {q:,.0f} requests ({r.get('alloc.connections')} keep-alive connections), on "
          f"{r.get('alloc.runtime', '?').replace('_', ' ')} (JIT; the same code as the AOT binary, built from this checkout). "
          "Client and upstream are blocking raw sockets that allocate nothing per request, so every byte is the server side's.")
        w("")
        w("| what answers | bytes/request |")
        w("|---|---:|")
        w(f"| bare Kestrel (tests' LoopbackServer), POST 11 B -> `ok\\n` | {kestrel:,.0f} |")
        w(f"| the watchdog's server, GET /_/health (no forwarding, no call log) | {health:,.0f} |")
        w(f"| **the watchdog, mode=http, POST 11 B forwarded** | **{proxy:,.0f}** |")
        if forwarder >= 0:
            w(f"| the watchdog's forwarder alone (UpstreamExchange on its pool: the same head, read 3 B) | {forwarder:,.0f} |")
        w(f"| baseline: SocketsHttpHandler alone (HttpRequestMessage + headers, SendAsync, read 3 B) | {handler:,.0f} |")
        w("")
        w(f"The forwarding's share: {proxy - health:,.0f} B/request over the watchdog's own non-forwarding answer"
          + (f"; the forwarder alone allocates {forwarder:,.0f} B where SocketsHttpHandler allocated {handler:,.0f} B. " if forwarder >= 0 else
             f"; of that, {handler:,.0f} B ({handler / max(proxy - health, 1) * 100:.0f}%) is HttpRequestMessage + SocketsHttpHandler alone. ") +
          f"Estimated objects per request (sampled): **{num(r, 'alloc.sampled.objects_per_request'):.0f}** "
          f"({r.get('alloc.sampled.samples', '?')} AllocationTick samples, {num(r, 'alloc.sampled.bytes_per_request'):,.0f} B/request by the samples).")
        w("")
        w("Top types allocated per forwarded request (sampled: a type's bytes are the sum of the AllocationTick amounts it "
          "triggered, its objects those bytes over its sampled average size):")
        w("")
        w("| type | bytes/request | objects/request | avg size |")
        w("|---|---:|---:|---:|")
        i = 0
        while f"alloc.type.{i}" in r:
            name, b, o, avg, _ = r[f"alloc.type.{i}"].split("|")
            w(f"| `{name.replace('_', ' ')[:140]}` | {float(b):.0f} | {float(o):.2f} | {avg} |")
            i += 1
    else:
        w("(not measured: BREAKDOWN_ALLOC=0, no dotnet, or bench/alloc failed)")
    w("")
    return "\n".join(out)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "report":
        print(report(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
