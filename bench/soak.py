#!/usr/bin/env python3
"""A bounded hostile soak of one watchdog on 127.0.0.1, sampling its memory and threads.

usage: soak.py PORT PID SECONDS SAMPLES.csv [--scale N]

Runs these client kinds at once for SECONDS (every loop is also bounded in count), against a
watchdog whose fprocess is `cat` (an upload comes back as a large output):

  keepalive   connections each sending POST 64 B calls back to back on one kept-alive connection
  idle        connections that send nothing, or half a header block, and wait to be closed
  trickle     headers and a 4 KiB body sent a few bytes every 50-250 ms
  upload      POST 1-16 MiB of zeros (SOAK_UPLOAD_MAX_MIB=16), read the echoed output in full and check its length
  slowread    POST 4 MiB (SOAK_SLOWREAD_KIB=4096) and read the answer at ~256 KiB/s, or only its first 64 KiB, then leave
  leaver      send part of a body then close (half of them with a reset), or the whole request
              then close before the answer
  malformed   a bad Content-Length, broken chunking, a header without a colon, a 2 MiB header,
              binary garbage, an unknown method line; read whatever comes back until close

SOAK_KINDS=keepalive,idle,... runs only the kinds named.
A thread samples /proc/PID/status (VmRSS, VmHWM, Threads) and the
number of its child processes (functions running) every 200 ms into SAMPLES.csv.
The summary line (stdout) names the peaks, the RSS trend (mean of the last third against the
middle third of the soak) and what every client kind saw.
"""

import asyncio
import collections
import os
import random
import socket
import sys
import threading
import time

HOST = "127.0.0.1"
counts = collections.Counter()


def status_fields(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                fields[key] = int(value.split()[0])
    return fields


def children(pid):
    """The watchdog's child processes: the functions running (and not yet reaped)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                total += len(f.read().split())
        except FileNotFoundError:
            pass
    return total


def sampler(pid, path, stop, interval=0.2):
    start = time.monotonic()
    with open(path, "w") as out:
        out.write("t_s,rss_kib,hwm_kib,threads,children\n")
        while not stop.is_set():
            try:
                f = status_fields(pid)
                f["children"] = children(pid)
            except (FileNotFoundError, ProcessLookupError):
                counts["sampler.process_gone"] += 1
                return
            out.write(f"{time.monotonic() - start:.2f},{f['VmRSS']},{f['VmHWM']},{f['Threads']},{f['children']}\n")
            out.flush()
            stop.wait(interval)


async def read_response(reader, timeout):
    """One HTTP/1.1 response: (status, body length). Content-Length, chunked, or until close."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        await asyncio.wait_for(reader.readexactly(length), timeout)
        return status, length, headers
    if headers.get("transfer-encoding", "").lower() == "chunked":
        total = 0
        while True:
            size = int((await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)).split(b";")[0], 16)
            await asyncio.wait_for(reader.readexactly(size + 2), timeout)
            total += size
            if size == 0:
                return status, total, headers
    total = 0
    while True:
        chunk = await asyncio.wait_for(reader.read(65536), timeout)
        if not chunk:
            return status, total, headers
        total += len(chunk)


def request(method, body_len, extra=""):
    return (f"{method} / HTTP/1.1\r\nHost: soak\r\nContent-Length: {body_len}\r\n{extra}\r\n").encode()


async def connect():
    return await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)


def close(writer, reset=False):
    if reset:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    writer.close()


async def guarded(kind, body):
    """Run one client action; count its outcome, never let an exception end the worker."""
    try:
        await body()
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError) as e:
        counts[f"{kind}.{type(e).__name__}"] += 1
    except ValueError:
        counts[f"{kind}.unparseable"] += 1


async def keepalive_worker(deadline):
    for _ in range(100_000):
        if time.monotonic() >= deadline:
            return
        async def session():
            reader, writer = await connect()
            try:
                for _ in range(1000):
                    if time.monotonic() >= deadline:
                        return
                    writer.write(request("POST", 64) + b"x" * 64)
                    status, _, headers = await read_response(reader, 30)
                    counts[f"keepalive.{status}"] += 1
                    if headers.get("connection", "").lower() == "close":
                        return
            finally:
                close(writer)
        await guarded("keepalive", session)


async def idle_worker(deadline):
    for i in range(1000):
        if time.monotonic() >= deadline:
            return
        async def hold():
            reader, writer = await connect()
            try:
                if i % 2:
                    writer.write(b"POST / HTTP/1.1\r\nHost: soak\r\nContent-Length: 10\r\n")
                # Wait until the watchdog closes it (read_timeout) or the soak ends.
                left = max(0.1, deadline - time.monotonic())
                data = await asyncio.wait_for(reader.read(65536), min(left, 60))
                counts["idle.closed_by_server" if not data else "idle.answered"] += 1
            finally:
                close(writer)
        await guarded("idle", hold)


async def trickle_worker(deadline):
    for _ in range(1000):
        if time.monotonic() >= deadline:
            return
        async def trickle():
            reader, writer = await connect()
            try:
                data = request("POST", 4096, "X-Soak: trickle\r\n") + b"t" * 4096
                pos = 0
                while pos < len(data) and time.monotonic() < deadline:
                    step = random.randint(1, 64) if pos < 80 else random.randint(256, 1024)
                    writer.write(data[pos:pos + step])
                    pos += step
                    await asyncio.sleep(random.uniform(0.05, 0.25))
                if pos >= len(data):
                    status, _, _ = await read_response(reader, 30)
                    counts[f"trickle.{status}"] += 1
            finally:
                close(writer)
        await guarded("trickle", trickle)


ZEROS = b"\0" * (1 << 20)


async def upload_worker(deadline):
    for _ in range(10_000):
        if time.monotonic() >= deadline:
            return
        async def upload():
            size = random.randint(1, UPLOAD_MAX_MIB) << 20
            reader, writer = await connect()
            try:
                writer.write(request("POST", size))
                for _ in range(size >> 20):
                    writer.write(ZEROS)
                    await writer.drain()
                status, length, _ = await read_response(reader, 60)
                counts[f"upload.{status}"] += 1
                if status == 200 and length != size:
                    counts["upload.wrong_length"] += 1
                counts["upload.mib"] += size >> 20
            finally:
                close(writer)
        await guarded("upload", upload)


async def slowread_worker(deadline):
    for i in range(10_000):
        if time.monotonic() >= deadline:
            return
        async def slowread():
            size = SLOWREAD_KIB << 10
            reader, writer = await connect()
            try:
                writer.write(request("POST", size) + b"\0" * size)
                await writer.drain()
                got = 0
                limit = 65536 if i % 2 else size + 4096
                while got < limit and time.monotonic() < deadline:
                    chunk = await asyncio.wait_for(reader.read(16384), 30)
                    if not chunk:
                        break
                    got += len(chunk)
                    await asyncio.sleep(0.0625)  # ~256 KiB/s
                counts["slowread.left_early" if i % 2 else "slowread.read"] += 1
            finally:
                close(writer, reset=bool(i % 2))
        await guarded("slowread", slowread)


async def leaver_worker(deadline):
    for i in range(100_000):
        if time.monotonic() >= deadline:
            return
        async def leave():
            reader, writer = await connect()
            try:
                if i % 3 == 0:  # part of a 1 MiB body, then gone
                    writer.write(request("POST", 1 << 20) + b"l" * random.randint(0, 200_000))
                    await writer.drain()
                elif i % 3 == 1:  # the whole request, then gone before the answer
                    writer.write(request("POST", 256 << 10) + b"l" * (256 << 10))
                    await writer.drain()
                    await asyncio.sleep(random.uniform(0, 0.05))
                else:  # a connection opened and dropped
                    pass
                counts["leaver.left"] += 1
            finally:
                close(writer, reset=bool(i % 2))
            await asyncio.sleep(random.uniform(0.01, 0.1))
        await guarded("leaver", leave)


MALFORMED = [
    b"POST / HTTP/1.1\r\nHost: soak\r\nContent-Length: -5\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: soak\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
    b"POST / HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
    b"POST / HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\n",
    b"POST / HTTP/1.1\r\nHost: soak\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: soak\r\nX-Big: " + b"b" * (2 << 20) + b"\r\n\r\n",
    bytes(range(256)) * 64,
    b"BREW /pot HTTP/1.1\r\nHost: soak\r\n\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: soak\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: soak\r\nX-Ctl: a\x01b\r\nContent-Length: 0\r\n\r\n",
]


async def malformed_worker(deadline):
    for i in range(100_000):
        if time.monotonic() >= deadline:
            return
        async def malformed():
            reader, writer = await connect()
            try:
                writer.write(MALFORMED[i % len(MALFORMED)])
                await writer.drain()
                status = "none"
                try:
                    head = await asyncio.wait_for(reader.read(65536), 15)
                    if head.startswith(b"HTTP/1."):
                        status = head.split()[1].decode()
                except (ConnectionError, asyncio.TimeoutError):
                    status = "reset_or_timeout"
                counts[f"malformed.{status}"] += 1
            finally:
                close(writer)
        await guarded("malformed", malformed)


async def soak(seconds, scale):
    deadline = time.monotonic() + seconds
    kinds = [
        (keepalive_worker, 60), (idle_worker, 120), (trickle_worker, 40), (upload_worker, 6),
        (slowread_worker, 6), (leaver_worker, 20), (malformed_worker, 8),
    ]
    chosen = os.environ.get("SOAK_KINDS", "").split(",") if os.environ.get("SOAK_KINDS") else None
    kinds = [(w, n) for w, n in kinds if chosen is None or w.__name__.removesuffix("_worker") in chosen]
    tasks = [asyncio.create_task(worker(deadline)) for worker, n in kinds for _ in range(max(1, n * scale // 4))]
    # Bounded: every worker checks the deadline; anything still running 60 s later is cancelled.
    done, pending = await asyncio.wait(tasks, timeout=seconds + 60)
    for task in pending:
        task.cancel()
    counts["workers"] = len(tasks)
    counts["workers_cancelled"] = len(pending)


def main():
    global PORT, UPLOAD_MAX_MIB, SLOWREAD_KIB
    UPLOAD_MAX_MIB = int(os.environ.get("SOAK_UPLOAD_MAX_MIB", "16"))
    SLOWREAD_KIB = int(os.environ.get("SOAK_SLOWREAD_KIB", "4096"))
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    PORT, pid, seconds, samples = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    scale = int(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 4
    stop = threading.Event()
    thread = threading.Thread(target=sampler, args=(pid, samples, stop), daemon=True)
    thread.start()
    asyncio.run(soak(seconds, scale))
    time.sleep(5)  # the quiet after: does the memory come back?
    stop.set()
    thread.join(5)
    rows = [line.split(",") for line in open(samples).read().splitlines()[1:]]
    t = [float(r[0]) for r in rows]
    rss = [int(r[1]) for r in rows]
    threads = [int(r[3]) for r in rows]
    functions = [int(r[4]) for r in rows]
    during = [r for r, s in zip(rss, t) if s <= seconds]
    third = max(1, len(during) // 3)
    middle = sum(during[third:2 * third]) / max(1, len(during[third:2 * third]))
    last = sum(during[-third:]) / third
    hwm = int(rows[-1][2])
    summary = (f"peak_rss_kib={max(rss)} hwm_kib={hwm} peak_threads={max(threads)} "
               f"rss_middle_third_kib={middle:.0f} rss_last_third_kib={last:.0f} "
               f"peak_children={max(functions)} rss_after_quiet_kib={rss[-1]} threads_after_quiet={threads[-1]} samples={len(rows)}")
    print("SOAK " + summary)
    print("SOAK_CLIENTS " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
