/**
 * Shannon entropy (base 2) of inter-event deltas over a sliding window, with
 * the deltas sorted into log-spaced bins: timing data spans milliseconds to
 * minutes, and a log scale makes "how spread out" independent of tempo.
 *
 * O(1) per event: the window is a ring of bin indexes, and the entropy is
 * kept as H = log2(n) − S/n with S = Σ c·log2(c) updated per count change.
 * Each update adds and subtracts terms no larger than W·log2(W), so float
 * drift in S stays around 1e-12 even after billions of events, and the
 * result is clamped to its exact range.
 *
 * @module
 */

/** Where the bins start and how fine they are. */
export interface LogBinning {
  /** Lower edge of bin 1 in ms; smaller deltas (including 0) go to bin 0. */
  minMs: number;
  /** Bins per doubling of the delta. */
  binsPerOctave: number;
  /** Number of bins; larger deltas go to the last bin. */
  bins: number;
}

/** Maps a delta in ms to its bin index in [0, bins − 1]. */
export function logBinIndex(deltaMs: number, binning: LogBinning): number {
  if (!(deltaMs >= binning.minMs)) return 0;
  const index = 1 +
    Math.floor(Math.log2(deltaMs / binning.minMs) * binning.binsPerOctave);
  return Math.min(index, binning.bins - 1);
}

/** Sliding-window histogram of log-binned deltas and its Shannon entropy. */
export class SlidingLogHistogram {
  readonly #binning: LogBinning;
  readonly #window: Uint8Array;
  readonly #counts: Uint16Array;
  #next = 0;
  #size = 0;
  #sumCLog2c = 0;
  #lowest = 0;
  #highest = 0;

  /**
   * @param window How many most recent deltas the histogram holds (1–65534).
   * @param binning The bins (at most 256).
   */
  constructor(window: number, binning: LogBinning) {
    if (!Number.isInteger(window) || window < 1 || window > 0xfffe) {
      throw new RangeError(
        `Cannot create histogram: window must be an integer from 1 to 65534, got ${window}.`,
      );
    }
    if (!Number.isInteger(binning.bins) || binning.bins < 1 || binning.bins > 256) {
      throw new RangeError(
        `Cannot create histogram: bins must be an integer from 1 to 256, got ${binning.bins}.`,
      );
    }
    this.#binning = binning;
    this.#window = new Uint8Array(window);
    this.#counts = new Uint16Array(binning.bins);
  }

  /** Number of deltas currently in the window. */
  get size(): number {
    return this.#size;
  }

  /** Adds a delta, dropping the oldest one when the window is full. */
  add(deltaMs: number): void {
    const bin = logBinIndex(deltaMs, this.#binning);
    if (this.#size === 0) {
      this.#lowest = this.#highest = bin;
    } else {
      if (bin < this.#lowest) this.#lowest = bin;
      if (bin > this.#highest) this.#highest = bin;
    }
    this.#change(bin, +1);
    // Count the new delta before dropping the oldest, so the edges never
    // rest on an empty histogram.
    if (this.#size === this.#window.length) {
      this.#change(this.#window[this.#next]!, -1);
    } else {
      this.#size += 1;
    }
    this.#window[this.#next] = bin;
    this.#next = (this.#next + 1) % this.#window.length;
  }

  /**
   * Octaves between the lowest and highest occupied bins: how far apart the
   * window's fastest and slowest deltas are, to 1/binsPerOctave. 0 when
   * empty.
   */
  get spanOctaves(): number {
    return this.#size === 0 ? 0 : (this.#highest - this.#lowest) / this.#binning.binsPerOctave;
  }

  /** Count of window deltas in one bin. */
  count(bin: number): number {
    return this.#counts[bin] ?? 0;
  }

  /** Entropy in bits of the window's bin distribution, in [0, log2(bins)]. */
  entropy(): number {
    const n = this.#size;
    if (n < 2) return 0;
    const h = Math.log2(n) - this.#sumCLog2c / n;
    // Float rounding only: the exact value lies in [0, log2(min(n, bins))].
    return Math.min(Math.max(h, 0), Math.log2(Math.min(n, this.#counts.length)));
  }

  /** Empties the window. */
  reset(): void {
    this.#counts.fill(0);
    this.#next = 0;
    this.#size = 0;
    this.#sumCLog2c = 0;
    this.#lowest = 0;
    this.#highest = 0;
  }

  /** Bytes held by this histogram's arrays. */
  get arrayBytes(): number {
    return this.#window.byteLength + this.#counts.byteLength;
  }

  #change(bin: number, by: 1 | -1): void {
    const before = this.#counts[bin]!;
    const after = before + by;
    this.#counts[bin] = after;
    this.#sumCLog2c += cLog2c(after) - cLog2c(before);
    if (after === 0) {
      // Moving an edge scans at most `bins` entries, and only when an edge
      // bin empties: O(bins) with bins constant.
      while (this.#lowest < this.#highest && this.#counts[this.#lowest] === 0) {
        this.#lowest += 1;
      }
      while (this.#highest > this.#lowest && this.#counts[this.#highest] === 0) {
        this.#highest -= 1;
      }
    }
  }
}

function cLog2c(c: number): number {
  return c < 2 ? 0 : c * Math.log2(c);
}
