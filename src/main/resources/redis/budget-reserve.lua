-- Reserves a call's worst-case cost in every budget scope of the call, or in none: check and add in one step.
-- KEYS: per scope, its spent counter for the period (string), its reservations by expiry (sorted set: id -> ms)
--       and its reservation amounts (hash: id -> units, plus 'total').
-- ARGV[1]: units to reserve; ARGV[2]: reservation id; ARGV[3]: ms until the reservation expires if its call
--       never settles (the replica died); then per scope the budget in units.
-- Reply: {1} reserved; {0, scope, spent, reserved} refused by that scope; {-1, scope} the scope's spent
--       counter does not exist (Redis started empty, or a new period): the caller seeds it from the ledger.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local units, id, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local n = #KEYS / 3

local function purge(z, h)
  local dead = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for _, d in ipairs(dead) do
    local u = tonumber(redis.call('HGET', h, d) or '0')
    redis.call('HDEL', h, d)
    redis.call('HINCRBY', h, 'total', -u)
  end
  if #dead > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', now) end
  return tonumber(redis.call('HGET', h, 'total') or '0')
end

for i = 1, n do
  local spent = redis.call('GET', KEYS[3 * i - 2])
  if not spent then return { -1, i } end
  spent = tonumber(spent)
  local reserved = purge(KEYS[3 * i - 1], KEYS[3 * i])
  local budget = tonumber(ARGV[3 + i])
  if spent >= budget or spent + reserved + units > budget then
    return { 0, i, spent, reserved }
  end
end
for i = 1, n do
  local z, h = KEYS[3 * i - 1], KEYS[3 * i]
  redis.call('ZADD', z, now + ttl, id)
  redis.call('HSET', h, id, units)
  redis.call('HINCRBY', h, 'total', units)
  redis.call('PEXPIRE', z, ttl * 2)
  redis.call('PEXPIRE', h, ttl * 2)
end
return { 1 }
