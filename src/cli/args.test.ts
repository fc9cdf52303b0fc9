import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from './args.js';
import { ConfigError } from '../config/config.js';

test('help and version', () => {
  assert.deepEqual(parseArgs([]), { kind: 'help' });
  assert.deepEqual(parseArgs(['--help']), { kind: 'help' });
  assert.deepEqual(parseArgs(['server', '--help']), { kind: 'help' });
  assert.deepEqual(parseArgs(['--version']), { kind: 'version' });
});

test('server flags: --name value and --name=value, in order; --config apart', () => {
  const invocation = parseArgs([
    'server',
    '--port',
    '7000',
    '--bind=0.0.0.0',
    '--config',
    'c.json',
  ]);
  assert.deepEqual(invocation, {
    kind: 'server',
    flags: [
      ['port', '7000'],
      ['bind', '0.0.0.0'],
    ],
    configFile: 'c.json',
  });
  const empty = parseArgs(['server', '--data-dir=']);
  assert.deepEqual(empty.kind === 'server' ? empty.flags : [], [['data-dir', '']]);
});

test('mistakes are ConfigErrors that name the problem', () => {
  assert.throws(() => parseArgs(['serve']), /unknown command 'serve'/);
  assert.throws(() => parseArgs(['server', '--nope', '1']), /unknown flag '--nope'/);
  assert.throws(() => parseArgs(['server', '--port']), /needs a value/);
  assert.throws(() => parseArgs(['server', 'stray']), ConfigError);
});
