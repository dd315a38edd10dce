-- Where one budget scope stands: {spent, reserved}, expired reservations dropped first; {-1, 0} when the spent
-- counter does not exist. KEYS: spent counter, reservations by expiry, reservation amounts.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, d in ipairs(dead) do
  local u = tonumber(redis.call('HGET', KEYS[3], d) or '0')
  redis.call('HDEL', KEYS[3], d)
  redis.call('HINCRBY', KEYS[3], 'total', -u)
end
if #dead > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
local spent = redis.call('GET', KEYS[1])
return { tonumber(spent or '-1'), tonumber(redis.call('HGET', KEYS[3], 'total') or '0') }
