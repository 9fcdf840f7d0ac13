/**
 * Where alerts go: JSON lines, one alert per line, to stdout or appended to
 * a file created with mode 0600. Each line is written whole before the next
 * starts and before `write` resolves, and a line the disk cannot take whole
 * is taken back, so a collector tailing the file (see README, "Shipping
 * alerts") never reads half an alert.
 *
 * @module
 */
import { EnvironmentError, UsageError } from "../errors.ts";
import { appendWhole, writeAll } from "../write_all.ts";
import { openOwnFile, SymbolicLinkError } from "../open_own_file.ts";

/** The `alerts` value that means stdout. */
export const STDOUT_TARGET = "-";

/** Writes alerts as JSON lines. `close()` (or `await using`) closes the file. */
export class AlertSink implements AsyncDisposable {
  #target: string;
  /** The alert file; undefined for stdout. */
  #file: Deno.FsFile | undefined;
  #closed = false;
  #queue: Promise<void> = Promise.resolve();
  #encoder = new TextEncoder();

  private constructor(target: string, file: Deno.FsFile | undefined) {
    this.#target = target;
    this.#file = file;
  }

  /**
   * Opens `target`: "-" for stdout, else a file path, created with mode 0600
   * if missing and appended to (never through a symbolic link). Throws a
   * {@linkcode UsageError} when the file cannot be opened.
   */
  static open(target: string): AlertSink {
    if (target === STDOUT_TARGET) return new AlertSink("stdout", undefined);
    let file: Deno.FsFile;
    try {
      file = openOwnFile(target, { append: true });
    } catch (error) {
      if (error instanceof SymbolicLinkError) {
        throw new UsageError(
          `Cannot open the alert file ${target}: it is a symbolic link, which is not followed; give the path of the file itself, or use --alerts -`,
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(
        `Cannot open the alert file ${target} (${reason}); check that its directory exists and is writable, or use --alerts -`,
      );
    }
    return new AlertSink(target, file);
  }

  /**
   * Appends `alert` as one JSON line. Writes happen in call order. Throws an
   * {@linkcode EnvironmentError} when the line cannot be written.
   */
  write(alert: Record<string, unknown>): Promise<void> {
    const line = this.#encoder.encode(`${JSON.stringify(alert)}\n`);
    const done = this.#queue.then(() => this.#writeAll(line));
    // A failed write is reported to its caller; later writes still run.
    this.#queue = done.catch(() => {});
    return done;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    try {
      if (this.#file === undefined) await writeAll(Deno.stdout, bytes);
      else await appendWhole(this.#file, bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EnvironmentError(
        `Cannot write an alert to ${this.#target} (${reason})`,
        { fix: "check the disk and the reader of the output" },
      );
    }
  }

  /** Waits for pending writes, then closes the file (never stdout). Idempotent. */
  async close(): Promise<void> {
    await this.#queue;
    if (this.#closed) return;
    this.#closed = true;
    this.#file?.close();
  }

  /** Same as {@linkcode AlertSink.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
