/**
 * Opening a file the agent writes as root (alerts, traces) without following
 * a symbolic link in the path's last component: where a directory on the way
 * is writable by someone else, a link planted there would send root's writes
 * (or a truncation) to a file of their choosing. Deno.open has no
 * O_NOFOLLOW, so the path is checked before the open and the opened file is
 * checked against the path after it. The profile database, which SQLite
 * opens, gets the same check before.
 *
 * @module
 */

/** The path names a symbolic link (or became one while it was opened). */
export class SymbolicLinkError extends Error {
  /** An error for `path`. */
  constructor(path: string) {
    super(`Cannot open ${path}: it is a symbolic link, which is not followed`);
    this.name = "SymbolicLinkError";
  }
}

/** How {@linkcode openOwnFile} opens its file. */
export interface OpenOwnFileOptions {
  /** Append to what the file holds (else write from its start). */
  append?: boolean;
  /** Empty the file once it is known to be the path's own. */
  truncate?: boolean;
}

/**
 * Opens `path` for writing, created with mode 0600 if missing, unless its
 * last component is a symbolic link: then throws a
 * {@linkcode SymbolicLinkError} and nothing is created, truncated or
 * written. Other failures are Deno's own errors.
 */
export async function openOwnFile(
  path: string,
  options: OpenOwnFileOptions = {},
): Promise<Deno.FsFile> {
  if (isSymbolicLink(path)) throw new SymbolicLinkError(path);
  const file = await Deno.open(path, {
    write: true,
    append: options.append ?? false,
    create: true,
    mode: 0o600,
  });
  try {
    // A link swapped in between the check and the open: the file opened is not the path's own.
    const opened = await file.stat();
    if (!isNamedFile(opened, await lstatOrUndefined(path))) throw new SymbolicLinkError(path);
    if (options.truncate && opened.isFile) await file.truncate(0);
    return file;
  } catch (error) {
    file.close();
    throw error;
  }
}

/**
 * Whether `opened` (an open file's stat) is the file `named` (its path's
 * lstat, undefined when gone) names itself, not through a symbolic link.
 */
export function isNamedFile(opened: Deno.FileInfo, named: Deno.FileInfo | undefined): boolean {
  // A symbolic link is an inode of its own: its lstat never matches the file it points to.
  return named !== undefined && named.dev === opened.dev && named.ino === opened.ino;
}

/** Whether the last component of `path` is a symbolic link (false when nothing is there). */
export function isSymbolicLink(path: string): boolean {
  try {
    return Deno.lstatSync(path).isSymlink;
  } catch {
    return false;
  }
}

async function lstatOrUndefined(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
