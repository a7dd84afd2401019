-- wrk script for the jwt_auth section: GET with "Authorization: Bearer <token>", the next token of
-- the file BENCH_TOKENS (one a line) on every request. wrk thread i of BENCH_THREADS takes tokens
-- i, i + BENCH_THREADS, ... so no two threads send the same token: with more than 1024 tokens per
-- thread, a token comes back only after more than 1024 others, and the watchdog's verdict cache
-- (1024 entries, emptied when full) never holds it. A file of one token (every thread sends it) is
-- the cached case. Every run uses this script, so wrk's own cost per request is the same in each.
-- Prints post.lua's machine-readable line at the end.
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local tokens, count, position = {}, 0, 0

function init(args)
  local all = {}
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line ~= "" then all[#all + 1] = "Bearer " .. line end
  end
  if #all == 0 then error("auth.lua: no tokens in " .. os.getenv("BENCH_TOKENS")) end
  for index = 1, #all do
    -- fewer tokens than threads (the one-token file): every thread sends them all
    if #all < threads or (index - 1) % threads == (id or 0) then
      count = count + 1
      tokens[count] = all[index]
    end
  end
end

function request()
  position = position % count + 1
  return wrk.format("GET", nil, { ["Authorization"] = tokens[position] })
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
