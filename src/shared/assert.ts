/**
 * Assertions mark bugs, never bad input (STYLE.md rule 5). A failed assertion throws
 * `AssertionFailure`, which no layer catches: the process crashes loudly with the message.
 */
export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

export function assertNever(value: never, message = 'unexpected value'): never {
  throw new AssertionFailure(`${message}: ${String(value)}`);
}
