/**
 * The last K simulator events, kept as cheap records and formatted only when a run fails (or
 * with --verbose), so that tracing costs little on the hundreds of thousands of passing steps.
 */
export interface TraceRecord {
  readonly step: number;
  readonly timeMs: number;
  readonly text: string;
}

export class TraceRing {
  private readonly records: (TraceRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly echo: ((line: string) => void) | undefined,
  ) {
    this.records = new Array<TraceRecord | undefined>(capacity);
  }

  add(step: number, timeMs: number, text: string): void {
    const record = { step, timeMs, text };
    this.records[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    if (this.echo !== undefined) this.echo(formatRecord(record));
  }

  /** Oldest first. */
  lines(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const record = this.records[(this.next - this.count + i + this.capacity) % this.capacity];
      if (record !== undefined) out.push(formatRecord(record));
    }
    return out;
  }
}

export function formatRecord(record: TraceRecord): string {
  return `#${record.step} t=${record.timeMs}ms ${record.text}`;
}
