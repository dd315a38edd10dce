-- Replaces the tokens a call took with what it really used, in the second it was counted, if that second is
-- still in the window. KEYS: the token windows of the call's scopes. ARGV[1]: the second; ARGV[2]: the change.
for i = 1, #KEYS do
  if redis.call('HEXISTS', KEYS[i], ARGV[1]) == 1 then
    local v = redis.call('HINCRBY', KEYS[i], ARGV[1], ARGV[2])
    if v < 0 then redis.call('HSET', KEYS[i], ARGV[1], 0) end
  end
end
return #KEYS
