/**
 * Burst-to-pause structure of the input byte-count time series over a
 * sliding window. Each input event is classed as
 * - burst: bytes arriving faster than fingers can produce them (a chunk of
 *   `bulkBytes` or more at once, or an event less than `fastMs` after the
 *   previous input);
 * - pause: an event after a gap of `pauseMs` or more (a person thinking);
 * - paced: anything else (ordinary typing).
 * Counting events rather than bytes keeps one big paste from dominating.
 *
 * @module
 */

/** Thresholds that class an input event. */
export interface BurstPauseThresholds {
  /** An input of at least this many bytes is a burst by itself. */
  bulkBytes: number;
  /** An input closer than this to the previous one (ms) is a burst. */
  fastMs: number;
  /** An input after at least this gap (ms) follows a pause. */
  pauseMs: number;
}

/** How one input event is classed. */
export const EventClass = { Paced: 0, Burst: 1, Pause: 2 } as const;

/** One of the {@linkcode EventClass} values. */
export type EventClass = typeof EventClass[keyof typeof EventClass];

/** Classes one input event; `deltaMs` is undefined for a session's first input. */
export function classifyInput(
  bytes: number,
  deltaMs: number | undefined,
  thresholds: BurstPauseThresholds,
): EventClass {
  if (bytes >= thresholds.bulkBytes) return EventClass.Burst;
  if (deltaMs === undefined) return EventClass.Paced;
  if (deltaMs < thresholds.fastMs) return EventClass.Burst;
  if (deltaMs >= thresholds.pauseMs) return EventClass.Pause;
  return EventClass.Paced;
}

/** Counts of burst, pause and paced inputs over the last `window` inputs. */
export class BurstPauseWindow {
  readonly #thresholds: BurstPauseThresholds;
  readonly #window: Uint8Array;
  readonly #counts = new Uint16Array(3);
  #next = 0;
  #size = 0;

  /**
   * @param window How many most recent inputs to keep (1–65535).
   * @param thresholds How to class each input.
   */
  constructor(window: number, thresholds: BurstPauseThresholds) {
    if (!Number.isInteger(window) || window < 1 || window > 0xffff) {
      throw new RangeError(
        `Cannot create burst window: window must be an integer from 1 to 65535, got ${window}.`,
      );
    }
    this.#thresholds = thresholds;
    this.#window = new Uint8Array(window);
  }

  /** Classes and adds one input event; returns its class. */
  add(bytes: number, deltaMs: number | undefined): EventClass {
    const eventClass = classifyInput(bytes, deltaMs, this.#thresholds);
    if (this.#size === this.#window.length) {
      this.#counts[this.#window[this.#next]!]! -= 1;
    } else {
      this.#size += 1;
    }
    this.#window[this.#next] = eventClass;
    this.#counts[eventClass]! += 1;
    this.#next = (this.#next + 1) % this.#window.length;
    return eventClass;
  }

  /** Inputs in the window. */
  get size(): number {
    return this.#size;
  }

  /** Burst inputs in the window. */
  get bursts(): number {
    return this.#counts[EventClass.Burst]!;
  }

  /** Inputs after a pause in the window. */
  get pauses(): number {
    return this.#counts[EventClass.Pause]!;
  }

  /** Share of the window's inputs that are bursts, in [0, 1]. */
  get burstFraction(): number {
    return this.#size === 0 ? 0 : this.bursts / this.#size;
  }

  /** Bursts per burst-or-pause input, in [0, 1]; 0 when there are neither. */
  get burstToPauseRatio(): number {
    const both = this.bursts + this.pauses;
    return both === 0 ? 0 : this.bursts / both;
  }

  /** Empties the window. */
  reset(): void {
    this.#counts.fill(0);
    this.#next = 0;
    this.#size = 0;
  }

  /** Bytes held by this window's arrays. */
  get arrayBytes(): number {
    return this.#window.byteLength + this.#counts.byteLength;
  }
}
