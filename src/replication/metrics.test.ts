import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from './metrics.js';

test('the registry renders counters, labelled counters, gauges and histograms as Prometheus text', () => {
  const r = new MetricsRegistry();
  const plain = r.counter('m_plain_total', 'plain');
  const by = r.counterBy('m_by_total', 'by command', 'command');
  let live = 7;
  r.gauge('m_live', 'live', () => live);
  const h = r.histogram('m_seconds', 'latency', [0.1, 1]);
  assert.equal(
    r.render(),
    [
      '# HELP m_plain_total plain',
      '# TYPE m_plain_total counter',
      'm_plain_total 0',
      '# HELP m_by_total by command',
      '# TYPE m_by_total counter',
      'm_by_total 0',
      '# HELP m_live live',
      '# TYPE m_live gauge',
      'm_live 7',
      '# HELP m_seconds latency',
      '# TYPE m_seconds histogram',
      'm_seconds_bucket{le="0.1"} 0',
      'm_seconds_bucket{le="1"} 0',
      'm_seconds_bucket{le="+Inf"} 0',
      'm_seconds_sum 0',
      'm_seconds_count 0',
      '',
    ].join('\n'),
  );
  plain.inc();
  plain.inc(2);
  by.inc('set');
  by.inc('set');
  by.inc('a"b\\c\nd', 5); // label values are escaped as the exposition format says
  live = 9;
  h.observe(0.05);
  h.observe(0.5);
  h.observe(3);
  const text = r.render();
  assert.match(text, /^m_plain_total 3$/m);
  assert.match(text, /^m_by_total\{command="set"\} 2$/m);
  assert.ok(text.includes('m_by_total{command="a\\"b\\\\c\\nd"} 5\n'), text);
  assert.match(text, /^m_live 9$/m);
  assert.match(text, /^m_seconds_bucket\{le="0.1"\} 1$/m);
  assert.match(text, /^m_seconds_bucket\{le="1"\} 2$/m);
  assert.match(text, /^m_seconds_bucket\{le="\+Inf"\} 3$/m);
  assert.match(text, /^m_seconds_count 3$/m);
  assert.equal(by.get('set'), 2);
  assert.equal(h.quantile(0.5), 1);
  assert.throws(() => r.counter('m_plain_total', 'again'), /registered twice/);
});

test('a _total name is a counter and only a counter: counters kept elsewhere are read as counters', () => {
  const r = new MetricsRegistry();
  let batches = 4;
  r.counterRead('m_batches_total', 'kept by the log store', () => batches);
  batches = 5;
  assert.equal(
    r.render(),
    '# HELP m_batches_total kept by the log store\n# TYPE m_batches_total counter\nm_batches_total 5\n',
  );
  assert.throws(
    () => r.gauge('m_frames_total', 'a gauge', () => 1),
    /must not have the _total suffix/,
  );
  assert.throws(() => r.counter('m_frames', 'a counter'), /needs the _total suffix/);
  assert.throws(() => r.counterRead('m_bytes', 'a counter', () => 1), /needs the _total suffix/);
});
