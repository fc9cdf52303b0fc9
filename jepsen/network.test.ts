import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkNames, ProxyNetwork } from './network.js';

test('cut links are named both ways ("a-b") or one way ("a->b")', () => {
  assert.deepEqual(linkNames(new Set(['3>1', '1>3', '2>1', '4>5', '5>4'])), ['1-3', '2->1', '4-5']);
  assert.deepEqual(linkNames(new Set()), []);
});

test('the proxy network cuts one way by cutting the proxy of the stream that carries it', async () => {
  const network = await ProxyNetwork.open([
    { id: 1, peerPort: 1 },
    { id: 2, peerPort: 2 },
    { id: 3, peerPort: 3 },
  ]);
  try {
    // Node 2 receives what 1 sends on the stream 2 dials to 1: through proxy(2, 1).
    network.cutOneWay(1, 2);
    assert.deepEqual(network.cutLinks(), ['1->2']);
    assert.match(network.peerAddress(2, 1), /^127\.0\.0\.1:\d+$/);
    network.cut(2, 3);
    assert.deepEqual(network.cutLinks(), ['1->2', '2-3']);
    network.cutOneWay(2, 1);
    assert.deepEqual(network.cutLinks(), ['1-2', '2-3']);
    network.heal();
    assert.deepEqual(network.cutLinks(), []);
  } finally {
    await network.close();
  }
});
