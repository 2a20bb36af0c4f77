-- wrk script: POST /v1/search with queries drawn in turn from QUERIES (one per line).
-- Non-2xx answers are counted by wrk as errors ("Non-2xx or 3xx responses").
-- SCORERS (e.g. "hamming,asymmetric") picks the rescoring chain; unset keeps the server's default.
local queries = {}
local scorers = ""
local counter = 0

function init(args)
  local file = assert(io.open(os.getenv("QUERIES") or "queries.txt", "r"))
  for line in file:lines() do
    queries[#queries + 1] = line
  end
  file:close()
  counter = math.random(#queries)
  local chain = os.getenv("SCORERS")
  if chain and chain ~= "" then
    local names = {}
    for name in chain:gmatch("[^,]+") do
      names[#names + 1] = '"' .. name .. '"'
    end
    scorers = ',"scorers":[' .. table.concat(names, ",") .. ']'
  end
end

function request()
  counter = counter % #queries + 1
  local body = '{"query":"' .. queries[counter] .. '","collection":"bench","k":10' .. scorers .. '}'
  return wrk.format("POST", "/v1/search", {["Content-Type"] = "application/json"}, body)
end
