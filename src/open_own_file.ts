/**
 * Opening a file the agent writes as root (alerts, traces) without following
 * a symbolic link in the path's last component: where a directory on the way
 * is writable by someone else, a link planted there would send root's writes
 * (or a truncation) to a file of their choosing. Deno.open has no
 * O_NOFOLLOW, so a missing file is created with O_EXCL (which never follows a
 * link), an existing one is opened without O_CREAT after the path is checked,
 * and the opened file is checked against the path before anything is written.
 * The profile database is created the same way before SQLite opens it.
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
export function openOwnFile(path: string, options: OpenOwnFileOptions = {}): Deno.FsFile {
  const file = openWithoutCreatingThroughLink(path, options.append ?? false);
  try {
    // A link swapped in between the check and the open: the file opened is not the path's own.
    const opened = file.statSync();
    if (!isNamedFile(opened, lstatOrUndefined(path))) throw new SymbolicLinkError(path);
    if (options.truncate && opened.isFile) file.truncateSync(0);
    return file;
  } catch (error) {
    file.close();
    throw error;
  }
}

function openWithoutCreatingThroughLink(path: string, append: boolean): Deno.FsFile {
  try {
    // O_CREAT | O_EXCL fails on any link, dangling or not: what it creates is the path's own.
    return Deno.openSync(path, { write: true, append, createNew: true, mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  if (isSymbolicLink(path)) throw new SymbolicLinkError(path);
  // Without O_CREAT, a link swapped in from here on cannot make root create its target.
  return Deno.openSync(path, { write: true, append });
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

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
