/**
 * Operating errors: expected failures of the world (bad input, not leader, out of memory),
 * each with a stable code, the RESP error line a client sees and the HTTP status the REST API
 * answers with (STYLE.md rules 5 and 6). Bugs use `assert` instead.
 */
export class MemlayerError extends Error {
  override readonly name = 'MemlayerError';
  constructor(
    /** Stable machine-readable code, e.g. `ERR_NOT_LEADER`. Tests check this. */
    readonly code: string,
    /** The full RESP error text without the leading '-' or trailing CRLF, e.g. `ERR syntax error`. */
    readonly resp: string,
    readonly httpStatus: number = 400,
  ) {
    super(resp);
  }
}
