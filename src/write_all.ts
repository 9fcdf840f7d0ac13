/**
 * Writes a whole buffer: a single write to a pipe or terminal may take only
 * part of it, and a full disk takes what fits.
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

/**
 * Writes every byte of `bytes` at the end of `file`, or none of them: when a
 * write fails part way (a full disk takes what fits), a regular file is cut
 * back to its length before, so a reader never meets half a line and a later
 * line does not start in the middle of one. Throws the write's error.
 */
export async function appendWhole(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  const before = await file.stat();
  try {
    await writeAll(file, bytes);
  } catch (error) {
    if (before.isFile) {
      await file.truncate(before.size).catch(() => {});
      // Files opened without O_APPEND would otherwise write past a hole next time.
      await file.seek(before.size, Deno.SeekMode.Start).catch(() => {});
    }
    throw error;
  }
}

/** Writes every byte of `bytes` to `writer`, synchronously. */
export function writeAllSync(writer: PartialWriterSync, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += writer.writeSync(bytes.subarray(written));
  }
}
