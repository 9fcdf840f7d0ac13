/**
 * The profile database: SQLite through Deno's built-in `node:sqlite`, one
 * file (default {@linkcode DEFAULT_PROFILES_PATH}), mode 0600, write-ahead
 * log, schema version in `PRAGMA user_version` with migrations applied in
 * order on open. Every change is one transaction, so a SIGKILL mid-write
 * leaves the previous state or the new one, never a mix. Plain tables of
 * numbers, readable with the `sqlite3` command-line tool:
 *
 *     sqlite3 /var/lib/ghost-hunter/profiles.db 'SELECT * FROM profiles'
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { EnvironmentError, UsageError } from "../errors.ts";
import { FEATURE_COUNT, FEATURE_NAMES } from "./timing_window.ts";
import type { UserProfile } from "./user_profile.ts";
import { pathExists } from "../path_exists.ts";
import { isSymbolicLink, openOwnFile } from "../open_own_file.ts";

/** Where the agent keeps profiles unless told otherwise. */
export const DEFAULT_PROFILES_PATH = "/var/lib/ghost-hunter/profiles.db";
/** Sessions kept per user in `profile_sessions` (older ones are deleted). */
export const SESSION_HISTORY = 50;
/** The version of the schema this code writes. */
export const SCHEMA_VERSION = 1;

/** Migrations: entry i takes the schema from version i to i + 1. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE profiles (
     user TEXT PRIMARY KEY,
     sessions INTEGER NOT NULL,
     inputs INTEGER NOT NULL,
     impostor_alerts INTEGER NOT NULL,
     disagreements INTEGER NOT NULL,
     shared INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE profile_features (
     user TEXT NOT NULL REFERENCES profiles(user) ON DELETE CASCADE,
     feature TEXT NOT NULL,
     mean REAL,
     weight REAL NOT NULL,
     PRIMARY KEY (user, feature)
   );
   CREATE TABLE profile_sessions (
     user TEXT NOT NULL REFERENCES profiles(user) ON DELETE CASCADE,
     ended_at INTEGER NOT NULL,
     inputs INTEGER NOT NULL,
     distance REAL,
     outcome TEXT NOT NULL
   );
   CREATE INDEX profile_sessions_user ON profile_sessions(user, ended_at);`,
];

/** What became of one finished session, kept in the user's short history. */
export interface SessionRecord {
  /** Epoch ms when it ended. */
  endedAt: number;
  inputs: number;
  /** Its distance from the profile, where measured. */
  distance?: number;
  /** `merged` into the profile, `disagreed` (merged during enrolment, beyond the bound), or `impostor-alert`. */
  outcome: "merged" | "disagreed" | "impostor-alert";
}

/** Options of {@linkcode ProfileStore.open}. */
export interface ProfileStoreOptions {
  /** Open without creating or migrating anything (the `profile list|show|export` commands). */
  readOnly?: boolean;
}

/** The profile database. Close it when done; closing twice is harmless. */
export class ProfileStore {
  #db: DatabaseSync | undefined;
  readonly #path: string;

  private constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.#path = path;
  }

  /** Opens (and unless read-only creates and migrates) the database at `path`. */
  static open(path: string, options: ProfileStoreOptions = {}): ProfileStore {
    // A device or FIFO given as the path must never be chmodded or get
    // journal files beside it (`--profiles /dev/null` once made /dev/null 0600).
    if (existsAsNonFile(path)) {
      throw new UsageError(
        `Cannot open the profile database ${path}: not a regular file; give --profiles the path of a database file`,
      );
    }
    if (options.readOnly) {
      if (!pathExists(path)) {
        throw new UsageError(
          `Cannot open the profile database ${path}: no such file; give --profiles PATH or let the agent create it`,
        );
      }
    } else {
      // Written as root: a link planted at the path would have root create or chmod its target.
      if (isSymbolicLink(path)) {
        throw new UsageError(
          `Cannot open the profile database ${path}: it is a symbolic link, which is not followed; give --profiles the path of the database file itself`,
        );
      }
      ensurePrivateFile(path);
    }
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
    } catch (error) {
      throw new EnvironmentError(`Cannot open the profile database ${path}: ${errorText(error)}`, {
        fix: "check that the path is a writable file on a local file system",
      });
    }
    const store = new ProfileStore(db, path);
    try {
      db.exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000");
      if (!options.readOnly) {
        db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
        store.#migrate();
      }
      store.#checkVersion();
    } catch (error) {
      store.close();
      if (error instanceof UsageError || error instanceof EnvironmentError) throw error;
      throw new UsageError(
        `Cannot read the profile database ${path}: ${
          errorText(error)
        }; restore it from an export or move it away`,
      );
    }
    return store;
  }

  /** The database file. */
  get path(): string {
    return this.#path;
  }

  /** One user's profile, if stored. */
  get(user: string): UserProfile | undefined {
    const row = this.#handle().prepare("SELECT * FROM profiles WHERE user = ?").get(user);
    return row === undefined ? undefined : this.#profileOf(row as unknown as ProfileRow);
  }

  /** Every profile, by user name. */
  list(): UserProfile[] {
    const rows = this.#handle().prepare("SELECT * FROM profiles ORDER BY user").all();
    return rows.map((row) => this.#profileOf(row as unknown as ProfileRow));
  }

  /** A user's recent sessions, newest first. */
  sessions(user: string): SessionRecord[] {
    const rows = this.#handle().prepare(
      "SELECT ended_at, inputs, distance, outcome FROM profile_sessions WHERE user = ? ORDER BY ended_at DESC, rowid DESC",
    ).all(user) as unknown as {
      ended_at: number;
      inputs: number;
      distance: number | null;
      outcome: SessionRecord["outcome"];
    }[];
    return rows.map((r) => ({
      endedAt: r.ended_at,
      inputs: r.inputs,
      ...(r.distance === null ? {} : { distance: r.distance }),
      outcome: r.outcome,
    }));
  }

  /** Writes a profile (and a session record, if given) in one transaction. */
  save(profile: UserProfile, session?: SessionRecord): void {
    const db = this.#handle();
    this.#transaction(() => {
      db.prepare(
        `INSERT INTO profiles (user, sessions, inputs, impostor_alerts, disagreements, shared, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(user) DO UPDATE SET sessions = excluded.sessions, inputs = excluded.inputs,
           impostor_alerts = excluded.impostor_alerts, disagreements = excluded.disagreements,
           shared = excluded.shared, updated_at = excluded.updated_at`,
      ).run(
        profile.user,
        profile.sessions,
        profile.inputs,
        profile.impostorAlerts,
        profile.disagreements,
        profile.shared ? 1 : 0,
        profile.createdAt,
        profile.updatedAt,
      );
      const feature = db.prepare(
        `INSERT INTO profile_features (user, feature, mean, weight) VALUES (?, ?, ?, ?)
         ON CONFLICT(user, feature) DO UPDATE SET mean = excluded.mean, weight = excluded.weight`,
      );
      FEATURE_NAMES.forEach((name, f) => {
        const mean = profile.mean[f]!;
        feature.run(profile.user, name, Number.isNaN(mean) ? null : mean, profile.weight[f]!);
      });
      if (session !== undefined) {
        db.prepare(
          "INSERT INTO profile_sessions (user, ended_at, inputs, distance, outcome) VALUES (?, ?, ?, ?, ?)",
        ).run(
          profile.user,
          session.endedAt,
          session.inputs,
          session.distance === undefined || Number.isNaN(session.distance)
            ? null
            : session.distance,
          session.outcome,
        );
        db.prepare(
          `DELETE FROM profile_sessions WHERE user = ? AND rowid NOT IN (
             SELECT rowid FROM profile_sessions WHERE user = ? ORDER BY ended_at DESC, rowid DESC LIMIT ?)`,
        ).run(profile.user, profile.user, SESSION_HISTORY);
      }
    });
  }

  /** Deletes every row of a user; resolves to whether there was a profile. */
  forget(user: string): boolean {
    const db = this.#handle();
    let existed = false;
    this.#transaction(() => {
      db.prepare("DELETE FROM profile_sessions WHERE user = ?").run(user);
      db.prepare("DELETE FROM profile_features WHERE user = ?").run(user);
      existed = Number(db.prepare("DELETE FROM profiles WHERE user = ?").run(user).changes) > 0;
    });
    return existed;
  }

  /** Closes the database (idempotent). */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #handle(): DatabaseSync {
    if (this.#db === undefined) {
      throw new Error(`Cannot use the profile database ${this.#path}: it is closed`);
    }
    return this.#db;
  }

  #transaction(body: () => void): void {
    const db = this.#handle();
    db.exec("BEGIN IMMEDIATE");
    try {
      body();
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  #version(): number {
    const row = this.#handle().prepare("PRAGMA user_version").get() as { user_version: number };
    return row.user_version;
  }

  #migrate(): void {
    const db = this.#handle();
    for (let version = this.#version(); version < MIGRATIONS.length; version++) {
      this.#transaction(() => {
        db.exec(MIGRATIONS[version]!);
        db.exec(`PRAGMA user_version = ${version + 1}`);
      });
    }
  }

  #checkVersion(): void {
    const version = this.#version();
    if (version !== SCHEMA_VERSION) {
      throw new UsageError(
        `Cannot use the profile database ${this.#path}: schema version ${version}, this build reads ${SCHEMA_VERSION}; ${
          version > SCHEMA_VERSION ? "use a newer ghost-hunter" : "open it once without --read-only"
        }`,
      );
    }
  }

  #profileOf(row: ProfileRow): UserProfile {
    const features = this.#handle().prepare(
      "SELECT feature, mean, weight FROM profile_features WHERE user = ?",
    ).all(row.user) as unknown as { feature: string; mean: number | null; weight: number }[];
    const mean = new Array<number>(FEATURE_COUNT).fill(NaN);
    const weight = new Array<number>(FEATURE_COUNT).fill(0);
    for (const f of features) {
      const index = FEATURE_NAMES.indexOf(f.feature);
      if (index < 0) continue;
      mean[index] = f.mean ?? NaN;
      weight[index] = f.weight;
    }
    return {
      user: row.user,
      sessions: row.sessions,
      inputs: row.inputs,
      impostorAlerts: row.impostor_alerts,
      disagreements: row.disagreements,
      shared: row.shared !== 0,
      mean,
      weight,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

interface ProfileRow {
  user: string;
  sessions: number;
  inputs: number;
  impostor_alerts: number;
  disagreements: number;
  shared: number;
  created_at: number;
  updated_at: number;
}

/**
 * Removes the database at `path` with its -wal and -shm files (those that
 * exist), for a command that created it and then failed: it leaves nothing.
 */
export function removeDatabaseFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      Deno.removeSync(file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

/** Whether `path` exists and is not a regular file (a folder, device, FIFO, socket). */
function existsAsNonFile(path: string): boolean {
  try {
    return !Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = new TextEncoder().encode("SQLite format 3\0");

/** Whether the existing file at `path` is empty or starts as an SQLite database does. */
function isEmptyOrSqlite(path: string): boolean {
  using file = Deno.openSync(path);
  const head = new Uint8Array(SQLITE_HEADER.length);
  let read = 0;
  while (read < head.length) {
    const n = file.readSync(head.subarray(read));
    if (n === null) break;
    read += n;
  }
  return read === 0 || (read === head.length && head.every((b, i) => b === SQLITE_HEADER[i]));
}

/**
 * Creates the folder (0700) and the file (0600) if missing, and makes an
 * existing file 0600: SQLite gives its -wal and -shm files the same mode.
 */
function ensurePrivateFile(path: string): void {
  const slash = path.lastIndexOf("/");
  const dir = slash > 0 ? path.slice(0, slash) : ".";
  // Another file given by mistake (--profiles /etc/passwd) must not be
  // chmodded to 0600 before SQLite says it is not a database.
  if (pathExists(path) && !isEmptyOrSqlite(path)) {
    throw new UsageError(
      `Cannot open the profile database ${path}: not an SQLite database; give --profiles the path of a database file`,
    );
  }
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    using file = openOwnFile(path);
    // Only an older file can be wider than 0600; one just created is not.
    if ((file.statSync().mode! & 0o777) !== 0o600) Deno.chmodSync(path, 0o600);
  } catch (error) {
    throw new EnvironmentError(
      `Cannot create the profile database ${path}: ${errorText(error)}`,
      { fix: "run as root, or give --profiles a path in a writable folder" },
    );
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.replace(
    /\.$/,
    "",
  );
}
