-- RPM/TPM admission over a sliding 60-second window in one-second buckets, for every scope of a call at once.
-- KEYS: per scope, its request window then its token window (hashes: second -> count).
-- ARGV[1]: tokens the call takes; then per scope its rpm and tpm (-1: no limit).
-- Either every scope admits and the call is counted in all of them, or nothing is counted.
-- Reply: {admitted 1|0, refusing scope (1-based, 0 if admitted), kind, retry ms, now ms,
--         remaining requests, ms until requests reset, remaining tokens, ms until tokens reset}
-- describing the refusing scope, or the first one after counting. Times come from the server's clock.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sec = math.floor(now / 1000)
local tokens = tonumber(ARGV[1])
local n = #KEYS / 2

local function window(key)
  local raw = redis.call('HGETALL', key)
  local live, sum, dead = {}, 0, {}
  for i = 1, #raw, 2 do
    local s, c = tonumber(raw[i]), tonumber(raw[i + 1])
    if s > sec - 60 and s <= sec then
      live[#live + 1] = { s, c }
      sum = sum + c
    elseif s <= sec - 60 then
      dead[#dead + 1] = raw[i]
    end
  end
  if #dead > 0 then redis.call('HDEL', key, unpack(dead)) end
  table.sort(live, function(a, b) return a[1] < b[1] end)
  return live, sum
end

local function freed(live, excess)
  local f = 0
  for _, e in ipairs(live) do
    f = f + e[2]
    if f >= excess then return math.max(1, (e[1] + 60) * 1000 - now) end
  end
  return math.max(1, (sec + 60) * 1000 - now)
end

local function empty(live)
  for i = #live, 1, -1 do
    if live[i][2] > 0 then return (live[i][1] + 60) * 1000 - now end
  end
  return 0
end

local function remaining(limit, sum)
  if limit < 0 then return -1 end
  return math.max(0, limit - sum)
end

local windows = {}
for i = 1, n do
  local rpm, tpm = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local rl, rs = window(KEYS[2 * i - 1])
  local tl, ts = window(KEYS[2 * i])
  windows[i] = { rl, rs, tl, ts }
  if rpm >= 0 and rs + 1 > rpm then
    return { 0, i, 'requests', freed(rl, rs + 1 - rpm), now, remaining(rpm, rs), empty(rl), remaining(tpm, ts), empty(tl) }
  end
  if tpm >= 0 and ts + tokens > tpm then
    local retry = 60000
    if tokens <= tpm then retry = freed(tl, ts + tokens - tpm) end
    return { 0, i, 'tokens', retry, now, remaining(rpm, rs), empty(rl), remaining(tpm, ts), empty(tl) }
  end
end

for i = 1, n do
  redis.call('HINCRBY', KEYS[2 * i - 1], sec, 1)
  redis.call('HINCRBY', KEYS[2 * i], sec, tokens)
  redis.call('PEXPIRE', KEYS[2 * i - 1], 61000)
  redis.call('PEXPIRE', KEYS[2 * i], 61000)
end
local w = windows[1]
local rpm, tpm = tonumber(ARGV[2]), tonumber(ARGV[3])
local resetReq = math.max((sec + 60) * 1000 - now, empty(w[1]))
return { 1, 0, '', 0, now, remaining(rpm, w[2] + 1), resetReq, remaining(tpm, w[4] + tokens), resetReq }
