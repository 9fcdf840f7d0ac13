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
 * write fails part way (a full disk takes what fits), the bytes that went in
 * are cut off again, so a reader never meets half a line and a later line
 * does not start in the middle of one. Throws the write's error.
 */
export async function appendWhole(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  try {
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } catch (error) {
    if (written > 0) await cutBack(file, written);
    throw error;
  }
}

/** Cuts the last `bytes` written before the file position off a regular file (not a pipe or device). */
async function cutBack(file: Deno.FsFile, bytes: number): Promise<void> {
  try {
    const end = await file.seek(0, Deno.SeekMode.Current);
    if (!(await file.stat()).isFile || end < bytes) return;
    await file.truncate(end - bytes);
    // A file opened without O_APPEND would otherwise write past a hole next time.
    await file.seek(end - bytes, Deno.SeekMode.Start);
  } catch {
    // Unseekable: nothing to take back.
  }
}

/** Writes every byte of `bytes` to `writer`, synchronously. */
export function writeAllSync(writer: PartialWriterSync, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += writer.writeSync(bytes.subarray(written));
  }
}
