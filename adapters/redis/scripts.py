"""The Lua scripts of `RedisCache`: the version check and the write are one atomic step in Redis.

Each key is a hash: `v` (version) and `d` (JSON data); a tombstone (left by an invalidation) has `v`
only, and lives for the kind's TTL like an entry.
- PUT stores unless the key holds a newer version, or a value (not a tombstone) of the same version.
- INVALIDATE publishes the invalidation for the replicas' L1, then leaves a tombstone unless the key
  already reflects that version or a newer one.
"""

from __future__ import annotations

# ARGV: version, JSON data, ttl.
PUT = """
local held = redis.call('HMGET', KEYS[1], 'v', 'd')
if held[1] then
  local held_version, version = tonumber(held[1]), tonumber(ARGV[1])
  if held_version > version or (held_version == version and held[2]) then return 0 end
end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""
# ARGV: version, ttl, channel, key name without the prefix (what replicas hold in L1).
INVALIDATE = """
redis.call('PUBLISH', ARGV[3], ARGV[1] .. ':' .. ARGV[4])
local held = redis.call('HGET', KEYS[1], 'v')
if held and tonumber(held) >= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""
