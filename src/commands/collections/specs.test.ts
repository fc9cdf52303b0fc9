import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashesCommands } from '../hashes/index.js';
import { listsCommands } from '../lists/index.js';
import { setsCommands } from '../sets/index.js';
import { zsetsCommands } from '../zsets/index.js';
import type { AclCategory } from '../spec.js';

const families: { specs: typeof hashesCommands; category: AclCategory; group: string }[] = [
  { specs: hashesCommands, category: '@hash', group: 'hash' },
  { specs: listsCommands, category: '@list', group: 'list' },
  { specs: setsCommands, category: '@set', group: 'set' },
  { specs: zsetsCommands, category: '@sortedset', group: 'sorted-set' },
];

const REQUIRED =
  `hset hget hmget hmset hdel hexists hlen hkeys hvals hgetall hincrby hincrbyfloat hsetnx
hstrlen hscan hrandfield lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset lrem ltrim
linsert lpos lmove rpoplpush sadd srem smembers sismember smismember scard spop srandmember sinter
sunion sdiff sinterstore sunionstore sdiffstore smove sscan sintercard zadd zrem zscore zmscore
zincrby zcard zcount zrange zrangebyscore zrevrange zrank zrevrank zpopmin zpopmax zlexcount
zrangebylex zscan`.split(/\s+/);

test('every command the brief lists is registered once', () => {
  const names = families.flatMap(({ specs }) => specs.map((spec) => spec.name));
  assert.equal(new Set(names).size, names.length, 'duplicate names');
  for (const name of REQUIRED) assert.ok(names.includes(name), `missing ${name}`);
});

test('spec records are consistent: data kind, read xor write, ACL categories, key specs', () => {
  for (const { specs, category, group } of families) {
    for (const spec of specs) {
      assert.equal(spec.kind, 'data', spec.name);
      assert.equal(spec.name, spec.name.toLowerCase());
      assert.equal(spec.group, group, spec.name);
      const write = spec.flags.includes('write');
      assert.notEqual(write, spec.flags.includes('readonly'), `${spec.name}: write xor readonly`);
      assert.equal(spec.categories.includes('@write'), write, spec.name);
      assert.equal(spec.categories.includes('@read'), !write, spec.name);
      assert.ok(spec.categories.includes(category), spec.name);
      assert.equal(
        spec.categories.includes('@fast'),
        spec.flags.includes('fast'),
        `${spec.name}: @fast matches the fast flag`,
      );
      assert.notEqual(spec.arity, 0, spec.name);
      if (spec.flags.includes('movablekeys')) continue;
      assert.ok(spec.keys.first >= 1 && spec.keys.step === 1, `${spec.name} key spec`);
    }
  }
});
