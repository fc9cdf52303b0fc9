/**
 * The real wall and monotonic clocks (the adapter behind `Clock`, STYLE.md rule 3).
 *
 * Date.now() only has millisecond resolution. Microseconds come from the high-resolution clock
 * (performance.timeOrigin + performance.now()), kept within a millisecond of Date.now(): the
 * two drift apart (timeOrigin is read once at start, and NTP may step the wall clock), so when
 * they disagree by a millisecond or more the high-resolution reading is re-anchored to
 * Date.now(). Between re-anchors successive readings never go backwards.
 */
import type { Clock } from './effects.js';

export class SystemClock implements Clock {
  /** Added to the high-resolution reading to bring it onto Date.now()'s time line. */
  private anchorOffsetMs = 0;

  constructor(
    private readonly wallMs: () => number = Date.now,
    private readonly highResolutionMs: () => number = () =>
      performance.timeOrigin + performance.now(),
  ) {}

  nowMs(): number {
    return this.wallMs();
  }

  monotonicMs(): number {
    return performance.now();
  }

  nowUs(): number {
    const wallMs = this.wallMs();
    const raw = this.highResolutionMs();
    let preciseMs = raw + this.anchorOffsetMs;
    // Date.now() truncates, so the precise time lies in [wallMs, wallMs + 1); more than a
    // millisecond outside that, the clocks have drifted or the wall clock was stepped.
    if (preciseMs < wallMs - 1 || preciseMs >= wallMs + 2) {
      this.anchorOffsetMs = wallMs + 0.5 - raw;
      preciseMs = raw + this.anchorOffsetMs;
    }
    return Math.floor(preciseMs * 1000);
  }
}

export const systemClock: Clock = new SystemClock();
