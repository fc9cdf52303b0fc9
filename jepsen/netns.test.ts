/**
 * `--net netns`: nodes in their own network namespaces behind a router namespace, partitions
 * as blackhole rules. First the network itself with real processes and TCP (a cut stalls a
 * connection without closing it; the heal lets it carry on), then a harness run over it.
 * Needs root and iproute2, as CI has; elsewhere these tests say why they cannot run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { connect } from 'node:net';
import { once } from 'node:events';
import { NamespaceNetwork, netnsUnavailable } from './netns.js';
import { runHarness } from './runner.js';

const unavailable = netnsUnavailable();
const namespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A node process in namespace `id` running `script`; its stdout lines are collected. */
function inNamespace(network: NamespaceNetwork, id: number, script: string) {
  const { file, args } = network.command(id, process.execPath, ['-e', script]);
  const child: ChildProcess = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  if (child.stdout !== null)
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  return { child, lines };
}

test(
  'a cut link drops packets silently: a TCP connection stalls, neither failing nor closing, and carries on after the heal',
  { timeout: 60_000, skip: unavailable },
  async () => {
    // A namespace left by a harness that died (its pid cannot exist) is removed at start.
    const stale = 'mlj9999999-0-r';
    execFileSync('ip', ['netns', 'add', stale]);
    const network = NamespaceNetwork.open([
      { id: 1, peerPort: 7000 },
      { id: 2, peerPort: 7000 },
      { id: 3, peerPort: 7000 },
    ]);
    const ours = namespaces().filter((n) => n.startsWith(`mlj${process.pid}-`));
    const procs: ChildProcess[] = [];
    try {
      assert.ok(!namespaces().includes(stale), 'the stale namespace was removed');
      assert.equal(ours.length, 4, `router and three nodes: ${ours.join(' ')}`);
      const host2 = network.hostOf(2);
      assert.notEqual(host2, network.hostOf(1));
      assert.equal(network.peerAddress(1, 2), `${host2}:7000`);
      const echo = inNamespace(
        network,
        2,
        `require('net').createServer((s) => s.pipe(s)).listen(7000, '${host2}', () => console.log('listening'))`,
      );
      procs.push(echo.child);
      const until = async (f: () => boolean, what: string, lines: string[]): Promise<void> => {
        const end = Date.now() + 10_000;
        while (!f()) {
          if (Date.now() > end) assert.fail(`timed out waiting for ${what}: ${lines.join(' | ')}`);
          await sleep(20);
        }
      };
      await until(() => echo.lines.includes('listening'), 'the echo server', echo.lines);
      // Node 1 sends a numbered line every 100 ms and prints what comes back, or how it ended.
      const client = inNamespace(
        network,
        1,
        `const s = require('net').connect(7000, '${host2}');
         let n = 0;
         s.on('connect', () => setInterval(() => s.write('ping' + n++ + '\\n'), 100));
         s.on('data', (d) => { for (const l of d.toString().split('\\n')) if (l) console.log(l); });
         s.on('error', (e) => console.log('error ' + e.code));
         s.on('close', () => console.log('closed'));`,
      );
      procs.push(client.child);
      await until(() => client.lines.length >= 3, 'echoes before the cut', client.lines);

      network.cut(1, 2);
      assert.deepEqual(network.cutLinks(), ['1-2']);
      await sleep(300); // what was in flight
      const before = client.lines.length;
      await sleep(1500);
      assert.equal(client.lines.length, before, 'nothing crosses a cut link');
      assert.ok(
        !client.lines.some((l) => l.startsWith('error') || l === 'closed'),
        'the connection neither failed nor closed',
      );
      // The harness (root namespace) still reaches the cut-off node: only peer links are cut.
      const socket = connect(7000, host2);
      socket.write('from the root namespace\n');
      const [answer] = (await once(socket, 'data')) as [Buffer];
      socket.destroy();
      assert.equal(answer.toString(), 'from the root namespace\n');
      const sent = Number(/ping(\d+)/.exec(client.lines.at(-1) ?? '')?.[1]);

      network.heal();
      assert.deepEqual(network.cutLinks(), []);
      // After the heal, TCP retransmits what was sent during the cut, in order.
      await until(() => client.lines.length >= before + 20, 'echoes after the heal', client.lines);
      const numbers = client.lines.map((l) => Number(/ping(\d+)/.exec(l)?.[1]));
      assert.deepEqual(
        numbers,
        numbers.map((_, i) => i),
        'every line echoed once, in order, none lost to the cut',
      );
      assert.ok(numbers.length > sent + 15);

      // One way. In the peer protocol what 2 sends to 1 goes down the connection 1 dialled to
      // 2's peer port (7000), as the echo's is: cutting what 1 sends to 2 (connections to 1's
      // port) leaves the echo alone, cutting what 2 sends to 1 stops it.
      network.cutOneWay(1, 2);
      assert.deepEqual(network.cutLinks(), ['1->2']);
      const flowing = client.lines.length;
      await until(
        () => client.lines.length >= flowing + 5,
        'echoes past the other way',
        client.lines,
      );
      network.heal();
      network.cutOneWay(2, 1);
      assert.deepEqual(network.cutLinks(), ['2->1']);
      await sleep(300);
      const stalled = client.lines.length;
      await sleep(1000);
      assert.equal(client.lines.length, stalled, 'a one-way cut stops its connection');
      network.heal();
      await until(() => client.lines.length >= stalled + 5, 'echoes after that heal', client.lines);
    } finally {
      for (const p of procs) p.kill('SIGKILL');
      await sleep(100);
      await network.close();
    }
    assert.deepEqual(
      namespaces().filter((n) => ours.includes(n)),
      [],
      'close removes every namespace it made',
    );
    const lock = `/run/memlayer-jepsen-netns/10.${network.octet}`;
    assert.equal(existsSync(lock), false, 'and its lock');
  },
);

test(
  'register on 3 nodes in network namespaces under silent and one-way partitions: no anomalies',
  { timeout: 180_000, skip: unavailable },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'memlayer-jepsen-netns-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { summary, report } = await runHarness({
      workload: 'register',
      nemeses: ['partition-leader', 'partition-halves', 'partition-oneway'],
      nodes: 3,
      concurrency: 6,
      timeLimitMs: 30_000,
      seed: 5,
      outDir: join(dir, 'register'),
      bin: fileURLToPath(new URL('../../bin/memlayer.js', import.meta.url)),
      // Longer than the server's 5 s request timeout: a request on the cut-off side is answered
      // with an error before the heal.
      faultMs: 6_000,
      healMs: 3_000,
      opDelayMs: 10,
      commandTimeoutMs: 6_000,
      network: 'netns',
    });
    t.diagnostic(report);
    assert.deepEqual(summary.crashes, [], report);
    assert.equal(summary.check.valid, true, report);
    assert.match(report, /network=netns/);
    assert.ok(summary.faults >= 3, report);
    assert.match(report, /partition-oneway: node \d cannot (send to|hear) the others/, report);
    // The partitions bit: a node cut off from the others could not answer some requests
    // definitely (no leader reachable, or the write's fate unknown).
    const history = JSON.parse(readFileSync(join(dir, 'register', 'history.json'), 'utf8')) as {
      events: { process: number; type: string; error?: string }[];
    };
    const cutOff = history.events.filter(
      (e) => e.process >= 0 && /CLUSTERDOWN|UNKNOWN|TIMEOUT/.test(e.error ?? ''),
    );
    assert.ok(cutOff.length > 0, report);
    assert.ok(history.events.filter((e) => e.type === 'ok').length > 500, report);
  },
);
