/**
 * `memlayer dev-cluster --nodes 3 [--dir DIR]`: a local cluster in one command, for newcomers
 * and tests. Starts N `memlayer server --durability fsync` processes on free ports with their
 * data under DIR (default ./data/dev-cluster), prefixes their logs with the node id, prints
 * where to connect, and stops them all on Ctrl-C (SIGINT) or SIGTERM. The ports come from below
 * the ephemeral range (src/cli/ports.ts): nothing else takes them before the nodes listen.
 *
 * The ports chosen the first time are kept in DIR/cluster.json: the members' addresses are
 * part of the replicated state, so a restarted dev cluster must come back on the same ones.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { SERVER_NODE_FLAGS } from '../config/runtime.js';
import { makeDirDurably, writeFileAtomically } from '../shared/atomic-file.js';

export const DEV_CLUSTER_USAGE = `Usage: memlayer dev-cluster [--nodes N] [--dir DIR]

Starts N (default 3, at most 9) local nodes with fsync durability; Ctrl-C stops them all.
Data goes to DIR/node<ID> (default DIR: ./data/dev-cluster); ports are kept in DIR/cluster.json.
`;

interface NodePorts {
  readonly id: number;
  readonly resp: number;
  readonly admin: number;
  readonly peer: number;
}

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/memlayer.js');

/** `--nodes N` / `--nodes=N` and `--dir DIR` / `--dir=DIR`, as the server's flags are spelt. */
export function parseDevClusterArgs(
  argv: readonly string[],
): { nodes: number; dir: string } | 'help' {
  let nodes = 3;
  let dir = './data/dev-cluster';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    if (name !== '--nodes' && name !== '--dir') throw new Error(`unknown flag '${name}'`);
    let value = equals === -1 ? undefined : arg.slice(equals + 1);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`flag '${name}' needs a value`);
    }
    if (name === '--nodes') {
      if (!/^[1-9]$/.test(value)) throw new Error(`--nodes must be 1 to 9, got '${value}'`);
      nodes = Number(value);
    } else {
      if (value === '') throw new Error('--dir needs a directory, got an empty value');
      dir = value;
    }
  }
  return { nodes, dir };
}

async function portsFor(dir: string, count: number): Promise<NodePorts[]> {
  const file = join(dir, 'cluster.json');
  if (existsSync(file)) return readPorts(file, count);
  const ports: NodePorts[] = [];
  for (let id = 1; id <= count; id++)
    ports.push({ id, resp: await freePort(), admin: await freePort(), peer: await freePort() });
  await makeDirDurably(dir);
  await writeFileAtomically(file, async (handle) => {
    await handle.writeFile(JSON.stringify(ports, null, 2) + '\n');
  });
  return ports;
}

/** The ports a dev cluster in this directory was started with; an error naming the file if not. */
function readPorts(file: string, count: number): NodePorts[] {
  const bad = (why: string): Error =>
    new Error(`${file}: ${why} (remove it, with the nodes' data, to start a new cluster)`);
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(`not a saved port list: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(saved)) throw bad('not a saved port list: not an array');
  const port = (v: unknown): boolean =>
    Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;
  saved.forEach((p: unknown, i) => {
    const n = p as Partial<Record<keyof NodePorts, unknown>> | null;
    if (
      n === null ||
      typeof n !== 'object' ||
      n.id !== i + 1 ||
      !port(n.resp) ||
      !port(n.admin) ||
      !port(n.peer)
    )
      throw bad(`entry ${i + 1} is not {"id": ${i + 1}, "resp", "admin", "peer"} with ports`);
  });
  if (saved.length !== count) throw bad(`describes ${saved.length} nodes, not ${count}`);
  return saved as NodePorts[];
}

function prefixLines(id: number, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`[node${id}] ${line}\n`);
  });
}

/** Runs the dev cluster until a signal; resolves with the exit code. */
export async function runDevCluster(argv: readonly string[]): Promise<number> {
  let opts: { nodes: number; dir: string } | 'help';
  try {
    opts = parseDevClusterArgs(argv);
  } catch (e) {
    process.stderr.write(
      `memlayer dev-cluster: ${e instanceof Error ? e.message : String(e)}\n${DEV_CLUSTER_USAGE}`,
    );
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(DEV_CLUSTER_USAGE);
    return 0;
  }
  const dir = resolve(opts.dir);
  let ports: NodePorts[];
  try {
    ports = await portsFor(dir, opts.nodes);
  } catch (e) {
    process.stderr.write(`memlayer dev-cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const peers = ports.map((p) => `${p.id}=127.0.0.1:${p.peer}`).join(',');
  const children: ChildProcess[] = ports.map((p) => {
    const args = [BIN, 'server', '--durability', 'fsync', '--id', String(p.id), '--peers', peers];
    args.push(
      '--port',
      String(p.resp),
      '--admin-port',
      String(p.admin),
      '--peer-port',
      String(p.peer),
    );
    args.push('--data-dir', join(dir, `node${p.id}`));
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.stdout !== null) prefixLines(p.id, child.stdout, process.stdout);
    if (child.stderr !== null) prefixLines(p.id, child.stderr, process.stderr);
    return child;
  });
  process.stdout.write(
    `memlayer dev cluster: ${opts.nodes} node(s), data in ${dir}\n` +
      ports
        .map(
          (p) =>
            `  node ${p.id}: redis-cli -p ${p.resp}   admin http://127.0.0.1:${p.admin}/v1/cluster\n`,
        )
        .join('') +
      `  memlayer cluster status --admin 127.0.0.1:${ports[0]?.admin ?? 0}\nCtrl-C stops all nodes.\n`,
  );
  const exits = children.map(
    (c) => new Promise<number>((r) => c.once('exit', (code) => r(code ?? 1))),
  );
  let stopping = false;
  const stopAll = (): void => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  // One node dying on its own (a startup error) stops the others: the cluster is not what was asked.
  void Promise.race(exits).then(stopAll);
  const codes = await Promise.all(exits);
  return codes.every((c) => c === 0) ? 0 : 1;
}
