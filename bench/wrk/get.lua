-- GET one path (wrk's URL), with the session cookie BENCH_COOKIE when set
-- (bench/http_bench.py: /api/me, /healthz, product page and API).
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
   wrk.headers["Cookie"] = cookie
end
