-- POST random 2-line pickup orders, a fresh Idempotency-Key each (bench/http_bench.py).
-- Environment: BENCH_WRK_DIR (this folder), BENCH_SHAPE "kuaiqu" (POST /api/orders with the
-- session cookie BENCH_COOKIE) or "bare" (POST /orders of bench/bare_order_app.py),
-- BENCH_VARIANTS and BENCH_STORES as "first-last" id ranges.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local function range(name)
   local first, last = string.match(os.getenv(name), "(%d+)-(%d+)")
   return tonumber(first), tonumber(last)
end

local shape = os.getenv("BENCH_SHAPE")
local v_first, v_last = range("BENCH_VARIANTS")
local s_first, s_last = range("BENCH_STORES")
sent = 0  -- global: report.lua sums it over threads (requests whose answer wrk may not see)
local salt = ""

function init(args)
   math.randomseed(os.time() * 1000 + (thread_no or 0))
   salt = string.format("%d-%08x", thread_no or 0, math.random(0, 0x7fffffff))
end

function request()
   sent = sent + 1
   local a = math.random(v_first, v_last)
   local b = a
   while b == a do b = math.random(v_first, v_last) end
   local store = math.random(s_first, s_last)
   local lines = string.format(
      '[{"variant_id": %d, "quantity": 1}, {"variant_id": %d, "quantity": 2}]', a, b)
   local headers = {["Content-Type"] = "application/json"}
   local path, body
   if shape == "bare" then
      path = "/orders"
      body = string.format('{"location_id": %d, "lines": %s}', store, lines)
   else
      path = "/api/orders"
      headers["Cookie"] = os.getenv("BENCH_COOKIE")
      headers["Idempotency-Key"] = string.format("%s-%d", salt, sent)
      body = string.format('{"lines": %s, "method": "pickup", "location_id": %d, '
         .. '"payment_method": "in_store"}', lines, store)
   end
   return wrk.format("POST", path, headers, body)
end
