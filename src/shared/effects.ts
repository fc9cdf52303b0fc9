/**
 * Effects that pure layers receive instead of reaching for globals (STYLE.md rule 3).
 * Real adapters live at the edge (src/main.ts); simulated twins live beside the simulator.
 */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch. Only the leader stamps this into entries. */
  nowMs(): number;
  /** Monotonic milliseconds, for measuring durations; never compared across processes. */
  monotonicMs(): number;
  /**
   * Wall-clock microseconds since the Unix epoch (an integer), for TIME and INFO's
   * `server_time_usec`; agrees with `nowMs()` to within a millisecond. A clock that has no
   * finer resolution than milliseconds leaves it out, and callers use `nowMs() * 1000`.
   */
  nowUs?(): number;
}

/** Wall-clock microseconds from `clock`, as finely as it can tell them. */
export function wallClockUs(clock: Clock): number {
  return clock.nowUs?.() ?? clock.nowMs() * 1000;
}

export interface Rng {
  /** Uniform integer in [0, bound). `bound` must be a positive safe integer. */
  int(bound: number): number;
  /** Uniform float in [0, 1). */
  float(): number;
}

/**
 * A small seeded generator (SplitMix32 variant, 32-bit state) so that one seed replays a
 * whole simulated run. Not for cryptography.
 */
export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  private next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  int(bound: number): number {
    return Math.floor(this.float() * bound);
  }

  float(): number {
    return this.next() / 0x1_0000_0000;
  }
}
