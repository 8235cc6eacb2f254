-- wrk script for bench/endpoints.py: replays prepared raw HTTP requests round-robin and checks
-- every answer's status.
--
--   wrk -t2 -c16 -d5s -s bench/replay.lua http://127.0.0.1:PORT -- REQUESTS_FILE STATUS
--
-- REQUESTS_FILE holds whole HTTP/1.1 requests (one per signed-in user) separated by the byte
-- 0x1e; "{{KEY}}" in a request becomes a key unique to this run, thread and request (the
-- Idempotency-Key of a session log). STATUS is the one status every answer must have: a
-- redirect to the login page or a 403 is a wrong answer, not a fast one. `done` prints one
-- line of JSON for bench/endpoints.py.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local file = assert(io.open(args[1], "rb"))
  for raw in file:read("*a"):gmatch("[^\30]+") do
    table.insert(requests, raw)
  end
  file:close()
  expected = tonumber(args[2])
  run = args[3]
  -- Threads start at different users, so they do not send the same user in step.
  counter = (id - 1) * 7
  wrong = 0
  sample = ""
end

function request()
  counter = counter + 1
  local raw = requests[(counter % #requests) + 1]
  return (raw:gsub("{{KEY}}", run .. "-" .. id .. "-" .. counter))
end

function response(status, headers, body)
  if status ~= expected then
    wrong = wrong + 1
    if sample == "" then
      sample = tostring(status) .. " " .. string.sub(body or "", 1, 160):gsub("[\r\n\"\\]", " ")
    end
  end
end

function done(summary, latency, requests)
  local total_wrong = 0
  local first = ""
  for _, thread in ipairs(threads) do
    total_wrong = total_wrong + thread:get("wrong")
    if first == "" then first = thread:get("sample") end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "wrong_status": %d, ' ..
    '"socket_errors": %d, "sample": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    total_wrong, errors.connect + errors.read + errors.write + errors.timeout, first))
end
