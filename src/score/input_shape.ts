/**
 * The shape of one input chunk: the only thing the probe derives from input
 * bytes, from the chunk's first and last byte and its length, in the kernel.
 * The values mirror `enum gh_input_shape` in bpf/ghost_hunter.h.
 *
 * @module
 */

/** What an input chunk looks like, never what it says. */
export const InputShape = {
  /** Not derived (a v1 trace, an output event). */
  UNKNOWN: 0,
  /** One byte that is not Enter: a key press. */
  SINGLE: 1,
  /** 2–8 bytes starting with ESC (0x1b): an arrow or function key. */
  ESCAPE: 2,
  /** 2–4 bytes starting with a UTF-8 lead byte (0xc2–0xf4): one character. */
  UTF8: 3,
  /** Ends with CR or LF: Enter alone, or a whole line written at once. */
  ENTER: 4,
  /** Anything else: coalesced keys, a paste. */
  OTHER: 5,
} as const;

/** One of {@linkcode InputShape}'s values. */
export type InputShape = typeof InputShape[keyof typeof InputShape];

/** Longest escape sequence the shape calls ESCAPE (xterm keys send 3–6 bytes). */
export const MAX_ESCAPE_BYTES = 8;
/** Longest UTF-8 character. */
export const MAX_UTF8_BYTES = 4;

/**
 * The shape of a chunk from its length, first and last byte: the rule the
 * probe applies in the kernel (bpf/probe.bpf.c, `input_shape`). Checked in
 * this order: empty → UNKNOWN; last byte CR or LF → ENTER; one byte →
 * SINGLE; ESC first and at most 8 bytes → ESCAPE; UTF-8 lead byte first and
 * at most 4 bytes → UTF8; else OTHER.
 */
export function shapeOf(length: number, first: number, last: number): InputShape {
  if (length <= 0) return InputShape.UNKNOWN;
  if (last === 0x0d || last === 0x0a) return InputShape.ENTER;
  if (length === 1) return InputShape.SINGLE;
  if (first === 0x1b && length <= MAX_ESCAPE_BYTES) return InputShape.ESCAPE;
  if (first >= 0xc2 && first <= 0xf4 && length <= MAX_UTF8_BYTES) return InputShape.UTF8;
  return InputShape.OTHER;
}

/** The shape of a chunk of bytes (generators and tests; the probe never sends bytes). */
export function shapeOfBytes(bytes: Uint8Array): InputShape {
  return shapeOf(bytes.length, bytes[0] ?? 0, bytes[bytes.length - 1] ?? 0);
}

/** True when `value` is one of {@linkcode InputShape}'s values. */
export function isInputShape(value: unknown): value is InputShape {
  return Number.isInteger(value) && (value as number) >= 0 &&
    (value as number) <= InputShape.OTHER;
}
