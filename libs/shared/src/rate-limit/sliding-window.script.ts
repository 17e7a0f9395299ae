/**
 * The sliding-window check as one atomic Redis script on Redis's own clock (TIME), so replicas
 * never race a read-modify-write and their clocks never matter. Each key is a sorted set of request
 * timestamps (score) with unique members; a request is recorded in every set or in none.
 *
 * KEYS: one sorted set per limit. ARGV: unique member, then points and windowMs per limit.
 * Returns {allowed (1|0), retryAfterMs, then remaining and resetMs per limit}.
 * Scores are formatted with %.3f: Lua's default number formatting keeps only 14 digits.
 */
export const SLIDING_WINDOW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local n = #KEYS
local counts = {}
local allowed = 1
local retry = 0
for i = 1, n do
  local points = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%.3f', now - window))
  local count = redis.call('ZCARD', KEYS[i])
  counts[i] = count
  if count >= points then
    allowed = 0
    -- the request fits once the entry (count - points + 1) from the oldest has left the window
    local blocking = redis.call('ZRANGE', KEYS[i], count - points, count - points, 'WITHSCORES')
    local wait = tonumber(blocking[2]) + window - now
    if wait > retry then retry = wait end
  end
end
local result = { allowed, math.ceil(retry) }
local score = string.format('%.3f', now)
for i = 1, n do
  local points = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  local count = counts[i]
  if allowed == 1 then
    redis.call('ZADD', KEYS[i], score, ARGV[1])
    redis.call('PEXPIRE', KEYS[i], window)
    count = count + 1
  end
  local reset = window
  if count > 0 then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    reset = tonumber(oldest[2]) + window - now
  end
  result[#result + 1] = math.max(points - count, 0)
  result[#result + 1] = math.ceil(reset)
end
return result
`;
