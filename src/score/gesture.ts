/**
 * Gestures: what a person's hand (or a program) did to produce one input
 * chunk, told from the chunk's shape and size alone.
 *
 * @module
 */
import { InputShape } from "./input_shape.ts";

/** The gesture classes, in table order. */
export const Gesture = {
  /** One key (one byte). */
  KEY: 0,
  /** Enter, alone or with one coalesced key. */
  ENTER: 1,
  /** An arrow or function key (escape sequence). */
  ESCAPE: 2,
  /** One multi-byte character. */
  UTF8: 3,
  /** A few keys coalesced into one chunk (2–9 bytes, no Enter at the end). */
  CHUNK: 4,
  /** A paste: 10 bytes or more, no Enter at the end. */
  PASTE: 5,
  /** A whole line written at once (3 bytes or more ending with Enter). */
  LINE: 6,
  /** A line or paste right after another one, with no key between them. */
  BULK_AGAIN: 7,
} as const;

/** One of {@linkcode Gesture}'s values. */
export type Gesture = typeof Gesture[keyof typeof Gesture];

/** How many gesture classes there are. */
export const GESTURES = 8;

/** A chunk of this many bytes or more without Enter is a paste. */
export const PASTE_MIN_BYTES = 10;

/**
 * The gesture of an input chunk. A chunk of unknown shape (a v1 trace) is
 * judged by its size alone: 1 byte a key, 2–9 bytes coalesced keys, more a
 * paste. `previous` is the gesture of the session's previous input.
 */
export function gestureOf(shape: number, bytes: number, previous: Gesture | undefined): Gesture {
  let gesture: Gesture;
  switch (shape) {
    case InputShape.SINGLE:
      gesture = Gesture.KEY;
      break;
    case InputShape.ESCAPE:
      gesture = Gesture.ESCAPE;
      break;
    case InputShape.UTF8:
      gesture = Gesture.UTF8;
      break;
    case InputShape.ENTER:
      gesture = bytes <= 2 ? Gesture.ENTER : Gesture.LINE;
      break;
    default:
      gesture = bytes <= 1 ? Gesture.KEY : bytes < PASTE_MIN_BYTES ? Gesture.CHUNK : Gesture.PASTE;
  }
  if (isBulk(gesture) && previous !== undefined && isBulk(previous)) return Gesture.BULK_AGAIN;
  return gesture;
}

/** Whether a gesture writes a line or a paste at once. */
export function isBulk(gesture: Gesture): boolean {
  return gesture === Gesture.LINE || gesture === Gesture.PASTE || gesture === Gesture.BULK_AGAIN;
}

/** The repeat group of coalesced keys and pastes: it may continue a run of any group. */
export const ANY_REPEAT_GROUP = 4;

/**
 * The autorepeat group of a gesture: holding a key repeats a key, an arrow
 * or a character; coalesced keys (repeats arriving in one clock tick) and
 * pastes (ten or more repeats a network stall held back) may be repeats of
 * any of them ({@linkcode ANY_REPEAT_GROUP}). 0 means the gesture cannot be
 * a held key.
 */
export function repeatGroup(gesture: Gesture): number {
  switch (gesture) {
    case Gesture.KEY:
      return 1;
    case Gesture.ESCAPE:
      return 2;
    case Gesture.UTF8:
      return 3;
    case Gesture.CHUNK:
    case Gesture.PASTE:
      return ANY_REPEAT_GROUP;
    default:
      return 0;
  }
}

/** Whether a gesture of repeat group `group` may repeat a key of group `run`. */
export function repeatsGroup(group: number, run: number): boolean {
  return group !== 0 && run !== 0 &&
    (group === run || group === ANY_REPEAT_GROUP || run === ANY_REPEAT_GROUP);
}
