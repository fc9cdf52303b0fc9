/**
 * The simulator's single-threaded scheduler: a binary heap of events ordered by simulated time,
 * then by insertion sequence, so that two events at the same millisecond always run in the
 * order they were scheduled and a seed replays exactly.
 */
export interface Scheduled<E> {
  readonly timeMs: number;
  readonly seq: number;
  readonly event: E;
}

export class EventQueue<E> {
  private readonly heap: Scheduled<E>[] = [];
  private seqNext = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Time of the next event, or Infinity when the queue is empty. */
  peekTimeMs(): number {
    return this.heap[0]?.timeMs ?? Infinity;
  }

  push(timeMs: number, event: E): void {
    const item: Scheduled<E> = { timeMs, seq: this.seqNext++, event };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = heap[parent];
      if (up === undefined || !before(item, up)) break;
      heap[i] = up;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): Scheduled<E> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const leftItem = heap[left];
      const rightItem = heap[right];
      let child = left;
      let childItem = leftItem;
      if (rightItem !== undefined && leftItem !== undefined && before(rightItem, leftItem)) {
        child = right;
        childItem = rightItem;
      }
      if (childItem === undefined || !before(childItem, last)) break;
      heap[i] = childItem;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before<E>(a: Scheduled<E>, b: Scheduled<E>): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
