/**
 * Writes a whole buffer: a single write to a pipe or terminal may take only
 * part of it.
 *
 * @module
 */

/** Something with an async partial write, like Deno.stdout or a Deno.FsFile. */
export interface PartialWriter {
  write(bytes: Uint8Array): Promise<number>;
}

/** Something with a synchronous partial write, like Deno.stderr. */
export interface PartialWriterSync {
  writeSync(bytes: Uint8Array): number;
}

/** Writes every byte of `bytes` to `writer`. */
export async function writeAll(writer: PartialWriter, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await writer.write(bytes.subarray(written));
  }
}

/** Writes every byte of `bytes` to `writer`, synchronously. */
export function writeAllSync(writer: PartialWriterSync, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += writer.writeSync(bytes.subarray(written));
  }
}
