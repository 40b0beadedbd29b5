-- Shared by the wrk scripts of bench/http_bench.py: counts every answer by status in each
-- thread and prints machine-readable lines at the end (wrk's own text report does not
-- split statuses), which http_bench.py parses:
--   BENCH requests <n> duration_us <us> p50_us <us> p99_us <us>
--   BENCH errors connect <n> read <n> write <n> timeout <n>
--   BENCH status <code> <n>        (one line per status seen)
--   BENCH sent <n>                 (when the script counts the requests it made)
local threads = {}

function setup(thread)
   thread:set("thread_no", #threads + 1)
   table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   io.write(string.format("BENCH requests %d duration_us %d p50_us %d p99_us %d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99)))
   local e = summary.errors
   io.write(string.format("BENCH errors connect %d read %d write %d timeout %d\n",
      e.connect, e.read, e.write, e.timeout))
   local total = {}
   for _, thread in ipairs(threads) do
      for code, n in pairs(thread:get("statuses")) do
         total[code] = (total[code] or 0) + n
      end
   end
   for code, n in pairs(total) do
      io.write(string.format("BENCH status %d %d\n", code, n))
   end
   local sent = 0
   for _, thread in ipairs(threads) do
      sent = sent + (thread:get("sent") or 0)
   end
   if sent > 0 then
      io.write(string.format("BENCH sent %d\n", sent))
   end
end
