/**
 * Whether a process with this pid exists (signal 0 checks without signalling). Only ESRCH says
 * it does not: EPERM means it exists under another user, and any other error is taken as
 * "maybe", so that callers deciding whether to reclaim its files stay on the safe side.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
