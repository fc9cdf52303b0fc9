/** Starting etcd members for the benchmarks that compare against etcd. */

export interface EtcdMember {
  readonly name: string;
  readonly dataDir: string;
  /** URLs this member listens on and advertises: `http://host:port`. */
  readonly clientUrl: string;
  readonly peerUrl: string;
}

/**
 * The command-line flags of one member of a new cluster made of `all` (fsync on, as etcd
 * always runs; errors only in its log).
 */
export function etcdArgs(member: EtcdMember, all: readonly EtcdMember[]): string[] {
  const initial = all.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  return [
    ...['--name', member.name, '--data-dir', member.dataDir],
    ...['--listen-client-urls', member.clientUrl, '--advertise-client-urls', member.clientUrl],
    ...['--listen-peer-urls', member.peerUrl, '--initial-advertise-peer-urls', member.peerUrl],
    ...['--initial-cluster', initial, '--initial-cluster-state', 'new'],
    ...['--log-level', 'error'],
  ];
}
