import { Cluster, TEST_ENV, sleep } from './harness.js';
const ENV = {
  ...TEST_ENV,
  MEMLAYER_RAFT_SNAPSHOT_ENTRIES: '300',
  MEMLAYER_RAFT_TRAILING_ENTRIES: '20',
};
const c = new Cluster(ENV);
try {
  const nodes = await c.startNew(3);
  const leader = await c.leader();
  const cl = c.client(leader);
  let t = Date.now();
  for (let i = 0; i < 100; i++) await cl.call(['SET', `a${i}`, 'x']);
  console.log('100 sets on leader ms', Date.now() - t);
  const f = nodes.find((n) => n !== leader)!;
  const fc = c.client(f);
  t = Date.now();
  for (let i = 0; i < 100; i++) await fc.call(['SET', `b${i}`, 'x']);
  console.log('100 sets on follower ms', Date.now() - t);
  t = Date.now();
  for (let i = 0; i < 100; i++) await fc.call(['GET', `b${i}`]);
  console.log('100 gets on follower ms', Date.now() - t);
  for (let i = 0; i < 300; i++) await cl.call(['SET', `c${i}`, 'x']);
  console.log((await leader.admin('GET', '/v1/cluster')).json);
  const victim = f;
  console.log(await leader.admin('DELETE', `/v1/cluster/members/${victim.spec.id}`));
  await victim.kill9();
  const spec = await c.spec(4);
  const members = nodes.filter((n) => n !== victim).map((n) => n.spec);
  console.log(
    await leader.admin('POST', '/v1/cluster/members', {
      id: 4,
      peerAddress: `127.0.0.1:${spec.peer}`,
    }),
  );
  const fresh = c.node(spec, members);
  await fresh.start();
  await sleep(4000);
  console.log(await c.client(fresh).call(['GET', 'c299']));
  console.log((await fresh.admin('GET', '/v1/cluster')).json);
  console.log((await leader.admin('GET', '/v1/cluster')).json);
  console.log(fresh.output.slice(0, 5000));
  console.log(leader.output.slice(-3000));
} finally {
  await c.close();
}
