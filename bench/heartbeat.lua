-- Heartbeats from many teachers: each request carries the next seq of one teacher's player.
-- TOKENS and LESSON are substituted by bench/run.sh; each wrk thread takes every other teacher.
local tokens = {TOKENS}
local lesson = LESSON
local threads = 0
local counter = 0
local seqs = {}

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

request = function()
  counter = counter + 1
  local i = ((counter * 2 + (tid or 0)) % #tokens) + 1
  seqs[i] = (seqs[i] or 0) + 1
  local body = string.format('{"heartbeats":[{"seq":%d,"position_seconds":%d,"playing":true,"client_time":"%s"}]}',
    seqs[i], math.min(seqs[i] * 15, 1500), os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/api/v1/lessons/" .. lesson .. "/progress",
    {["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json"}, body)
end
