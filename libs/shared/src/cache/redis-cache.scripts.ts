// Lua run atomically by Redis for the cache's shared tier. Generation counters ("gens", one per key
// and one per tag) are bumped by every eviction; a loader's write carries the gens it read before
// loading and is refused if any changed, so a value loaded before an eviction is never stored after it.

/**
 * KEYS: value, key gen, lease, then nTags tag gens, then nTags tag sets.
 * ARGV: envelope, ttlMs, fenced ('1'|'0'), expected key gen, nTags expected tag gens, lease token
 * ('' for none), channel ('' for no broadcast), message.
 * Returns 1 when stored, 0 when refused by the fence.
 */
export const CACHE_WRITE_SCRIPT = `
local nTags = (#KEYS - 3) / 2
local leaseToken = ARGV[5 + nTags]
if leaseToken ~= '' and redis.call('GET', KEYS[3]) == leaseToken then redis.call('DEL', KEYS[3]) end
if ARGV[3] == '1' then
  if (redis.call('GET', KEYS[2]) or '') ~= ARGV[4] then return 0 end
  for i = 1, nTags do
    if (redis.call('GET', KEYS[3 + i]) or '') ~= ARGV[4 + i] then return 0 end
  end
end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 1, nTags do
  local tagSet = KEYS[3 + nTags + i]
  redis.call('SADD', tagSet, KEYS[1])
  if redis.call('PTTL', tagSet) < ttl then redis.call('PEXPIRE', tagSet, ttl) end
  -- a long-lived tag keeps collecting expired keys: prune a few now and then
  if redis.call('SCARD', tagSet) > 1024 then
    for _, member in ipairs(redis.call('SRANDMEMBER', tagSet, 16)) do
      if redis.call('EXISTS', member) == 0 then redis.call('SREM', tagSet, member) end
    end
  end
end
if ARGV[6 + nTags] ~= '' then redis.call('PUBLISH', ARGV[6 + nTags], ARGV[7 + nTags]) end
return 1
`;

/**
 * KEYS: nKeys values, nKeys key gens, nTags tag sets, nTags tag gens.
 * ARGV: nKeys, nTags, gen TTL ms, channel, message. Deletes, bumps the gens and broadcasts in one step.
 */
export const CACHE_EVICT_SCRIPT = `
local nKeys = tonumber(ARGV[1])
local nTags = tonumber(ARGV[2])
local genTtl = tonumber(ARGV[3])
for i = 1, nKeys do
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[nKeys + i])
  redis.call('PEXPIRE', KEYS[nKeys + i], genTtl)
end
local base = 2 * nKeys
for i = 1, nTags do
  local members = redis.call('SMEMBERS', KEYS[base + i])
  for first = 1, #members, 500 do
    redis.call('DEL', unpack(members, first, math.min(first + 499, #members)))
  end
  redis.call('DEL', KEYS[base + i])
  redis.call('INCR', KEYS[base + nTags + i])
  redis.call('PEXPIRE', KEYS[base + nTags + i], genTtl)
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * KEYS: value, lease. ARGV: token, ttlMs. Takes the load lease only while there is no value, in one
 * step: the holder writes the value and drops its lease together, so a lease taken after a miss
 * read earlier would otherwise load again what was just stored. Returns {1} taken, {0} held by
 * another, or {2, value} when the value is there.
 */
export const CACHE_ACQUIRE_LEASE_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if value then return {2, value} end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {1} end
return {0}
`;

/** KEYS: lease. ARGV: token. Releases the lease only for its owner. */
export const CACHE_RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
