-- Requests taken in turn from a list: {method, path, token, body}. REQUESTS is substituted by
-- bench/run.py; each wrk thread starts at a different place in the list.
local requests = {REQUESTS}
local threads = 0
local counter = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

request = function()
  counter = counter + 1
  local r = requests[((counter * 2 + (tid or 0)) % #requests) + 1]
  return wrk.format(r[1], r[2], {["Authorization"] = "Bearer " .. r[3], ["Content-Type"] = "application/json"}, r[4])
end
