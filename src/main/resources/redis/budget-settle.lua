-- Replaces a reservation by the call's real cost: the reservation leaves every scope (if it has not expired
-- already) and the cost is added to each scope's spent counter.
-- KEYS: per scope, spent counter, reservations by expiry, reservation amounts (as in budget-reserve.lua).
-- ARGV[1]: reservation id; ARGV[2]: real cost in units (0 releases).
-- Reply: per scope, spent before and after ({-1, -1} when the counter does not exist: the ledger holds the cost
-- and the counter is seeded from it on next use).
local id, units = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 3 do
  local s, z, h = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  if redis.call('ZREM', z, id) == 1 then
    local u = tonumber(redis.call('HGET', h, id) or '0')
    redis.call('HDEL', h, id)
    redis.call('HINCRBY', h, 'total', -u)
  end
  local before = redis.call('GET', s)
  if before then
    out[#out + 1] = tonumber(before)
    out[#out + 1] = redis.call('INCRBY', s, units)
  else
    out[#out + 1] = -1
    out[#out + 1] = -1
  end
end
return out
