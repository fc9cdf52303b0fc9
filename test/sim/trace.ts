/**
 * The last K simulator events, kept as cheap records and formatted only when a run fails (or
 * with --verbose), so that tracing costs little on the hundreds of thousands of passing steps.
 */
export interface TraceRecord {
  readonly step: number;
  readonly timeMs: number;
  readonly text: string;
}

/** Events that explain a run: faults, leadership, acknowledgements, membership, snapshots. */
const MILESTONE =
  /^(boot|CRASH|RESTART|PARTITION|HEAL|PAUSE|CHURN|LINKS|CONF|TRANSFER|FINAL|SHUTDOWN|VIOLATION)|leads term|acknowledged|compacted|installed snapshot|applied conf change/;

class Ring {
  private readonly records: (TraceRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.records = new Array<TraceRecord | undefined>(capacity);
  }

  add(record: TraceRecord): void {
    this.records[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Oldest first. */
  items(): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = 0; i < this.count; i++) {
      const record = this.records[(this.next - this.count + i + this.capacity) % this.capacity];
      if (record !== undefined) out.push(record);
    }
    return out;
  }
}

/**
 * Two windows: the last `capacity` events of any kind, and the last `capacity` milestones, so a
 * failure shows both the moments just before it and the faults that set it up long before.
 */
export class TraceRing {
  private readonly all: Ring;
  private readonly milestones: Ring;

  constructor(
    readonly capacity: number,
    private readonly echo: ((line: string) => void) | undefined,
  ) {
    this.all = new Ring(capacity);
    this.milestones = new Ring(capacity);
  }

  add(step: number, timeMs: number, text: string): void {
    const record = { step, timeMs, text };
    this.all.add(record);
    if (MILESTONE.test(text)) this.milestones.add(record);
    if (this.echo !== undefined) this.echo(formatRecord(record));
  }

  /** Milestones before the recent window, then every recent event; oldest first. */
  lines(): string[] {
    const recent = this.all.items();
    const firstRecent = recent[0]?.step ?? Infinity;
    const earlier = this.milestones.items().filter((r) => r.step < firstRecent);
    const out = earlier.map(formatRecord);
    if (earlier.length > 0) out.push('... (recent events follow)');
    for (const record of recent) out.push(formatRecord(record));
    return out;
  }
}

export function formatRecord(record: TraceRecord): string {
  return `#${record.step} t=${record.timeMs}ms ${record.text}`;
}
