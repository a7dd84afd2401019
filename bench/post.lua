-- wrk script: POST a small text body (BENCH_BODY_BYTES, default 64) to the function — or a plain
-- GET with BENCH_METHOD=GET — and at the end print one machine-readable line, so run.sh does not
-- have to parse wrk's human units.
local size = tonumber(os.getenv("BENCH_BODY_BYTES") or "64")

if os.getenv("BENCH_METHOD") ~= "GET" then
  wrk.method = "POST"
  wrk.body = string.rep("x", size)
  wrk.headers["Content-Type"] = "text/plain"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
