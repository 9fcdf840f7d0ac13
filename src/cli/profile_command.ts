/**
 * `ghost-hunter profile list | show USER | forget USER | export FILE | import FILE`:
 * the users' timing profiles in the profile database.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { parseCommandArgs } from "./parse_command_args.ts";
import { UsageError } from "../errors.ts";
import { writeAllSync } from "../write_all.ts";
import { DEFAULT_PROFILES_PATH, ProfileStore } from "../profile/profile_store.ts";
import { exportProfiles, parseProfileExport } from "../profile/profile_export.ts";
import { isEnrolled, type UserProfile } from "../profile/user_profile.ts";
import { FEATURE_NAMES } from "../profile/timing_window.ts";

const HELP = `Usage: ghost-hunter profile ACTION [options]

Users' typing-rhythm profiles (timing only, never content) in the profile database.

Actions:
  list              one line per user: sessions, inputs, state
  show USER         one user's counters, feature means and recent sessions
  forget USER       delete every row of that user
  export FILE       write every profile as JSON to FILE (mode 0600; "-" for stdout)
  import FILE       add or replace the profiles in FILE (written by export)

Options:
  --profiles PATH   the database (default ${DEFAULT_PROFILES_PATH})
  --format FORMAT   table or json, for list and show (default table)

Examples:
  sudo ghost-hunter profile list
  sudo ghost-hunter profile export /root/profiles.json
  sudo ghost-hunter profile forget alice`;

/** The state a profile is in, as list and show print it. */
export function profileState(profile: UserProfile): "shared" | "enrolled" | "enrolling" {
  return profile.shared ? "shared" : isEnrolled(profile) ? "enrolled" : "enrolling";
}

/** `ghost-hunter profile`. */
export const profileCommand: Command = {
  name: "profile",
  summary: "list, show, forget, export or import users' typing profiles",
  help: HELP,
  run(args: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        profiles: { type: "string", default: DEFAULT_PROFILES_PATH },
        format: { type: "string", default: "table" },
      },
    }, {
      command: "profile",
      expects: (option) =>
        option === "--profiles"
          ? "a file path"
          : option === "--format"
          ? "table or json"
          : undefined,
    });
    const format = values.format;
    if (format !== "table" && format !== "json") {
      throw new UsageError(`Option --format expects "table" or "json", got "${format}"`);
    }
    const [action, operand, ...extra] = positionals;
    const takesOperand = ["show", "forget", "export", "import"];
    if (action === undefined) {
      throw new UsageError(
        'Missing action: use list, show, forget, export or import (see "ghost-hunter profile --help")',
      );
    }
    if (action !== "list" && !takesOperand.includes(action)) {
      throw new UsageError(
        `Unknown profile action "${action}": use list, show, forget, export or import`,
      );
    }
    if (takesOperand.includes(action) && operand === undefined) {
      throw new UsageError(
        `Missing ${
          action === "export" || action === "import" ? "FILE" : "USER"
        }: write "ghost-hunter profile ${action} ${
          action === "export" || action === "import" ? "FILE" : "USER"
        }"`,
      );
    }
    if (extra.length > 0 || (action === "list" && operand !== undefined)) {
      throw new UsageError(
        `Unexpected argument "${extra[0] ?? operand}": profile ${action} takes ${
          action === "list" ? "none" : "one"
        }`,
      );
    }
    const path = values.profiles;
    const readOnly = action === "list" || action === "show" || action === "export";
    // Parse the import before touching the database: a bad file changes nothing.
    const imported = action === "import" ? readImport(operand!) : undefined;
    using store = ProfileStore.open(path, { readOnly });
    switch (action) {
      case "list":
        print(format === "json" ? JSON.stringify(store.list().map(summary)) : listTable(store));
        break;
      case "show": {
        const profile = store.get(operand!);
        if (profile === undefined) throw noProfile(operand!, path);
        const sessions = store.sessions(operand!);
        print(
          format === "json"
            ? JSON.stringify({
              ...summary(profile),
              features: exportProfiles([profile]).profiles,
              sessions,
            })
            : showText(profile, sessions),
        );
        break;
      }
      case "forget":
        if (!store.forget(operand!)) throw noProfile(operand!, path);
        print(`Forgot the profile of ${operand} (every row removed from ${path})`);
        break;
      case "export": {
        const text = JSON.stringify(exportProfiles(store.list())) + "\n";
        if (operand === "-") writeAllSync(Deno.stdout, new TextEncoder().encode(text));
        else writePrivateFile(operand!, text);
        break;
      }
      case "import":
        for (const profile of imported!) store.save(profile);
        print(`Imported ${imported!.length} profile(s) into ${path}`);
        break;
    }
    return Promise.resolve(0);
  },
};

/**
 * Largest import read, bytes: an export takes under 3 KB per user, so this
 * is some 5,000 users; anything larger is not an export and is never read
 * whole into memory.
 */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

function readImport(file: string): UserProfile[] {
  const fail = (problem: string) =>
    new UsageError(
      `Cannot import profiles from ${file}: ${problem}; give a file written by "ghost-hunter profile export"`,
    );
  let bytes: Uint8Array | undefined;
  try {
    if (file === "-") {
      bytes = readBounded(Deno.stdin);
    } else {
      using opened = Deno.openSync(file);
      if (opened.statSync().isDirectory) throw fail("it is a directory");
      bytes = readBounded(opened);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw fail(error instanceof Deno.errors.NotFound ? "no such file" : String(error));
  }
  if (bytes === undefined) throw fail(`larger than ${MAX_IMPORT_BYTES} bytes`);
  return parseProfileExport(new TextDecoder().decode(bytes), file);
}

/** Reads to the end, or returns undefined once past {@linkcode MAX_IMPORT_BYTES}. */
function readBounded(
  reader: { readSync(buffer: Uint8Array): number | null },
): Uint8Array | undefined {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const n = reader.readSync(buffer);
    if (n === null) break;
    total += n;
    if (total > MAX_IMPORT_BYTES) return undefined;
    chunks.push(buffer.slice(0, n));
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return all;
}

/**
 * Writes the export. A regular file (or a new path) is written next to the
 * target and renamed over it, so an interrupted export leaves no half file;
 * anything else that exists (/dev/null, a FIFO, a terminal) is written in
 * place, never replaced: a rename over a device would put a file where the
 * device was.
 */
function writePrivateFile(path: string, text: string): void {
  const fail = (error: unknown) =>
    new UsageError(`Cannot write the export ${path}: ${String(error)}; give a writable path`);
  let existing: Deno.FileInfo | undefined;
  try {
    existing = Deno.statSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw fail(error);
  }
  if (existing?.isDirectory) throw fail("it is a directory");
  if (existing !== undefined && !existing.isFile) {
    try {
      using file = Deno.openSync(path, { write: true });
      writeAllSync(file, new TextEncoder().encode(text));
    } catch (error) {
      throw fail(error);
    }
    return;
  }
  const temporary = `${path}.${Deno.pid}.tmp`;
  try {
    // Created new (O_EXCL), so a link planted at this predictable name is never followed.
    const file = Deno.openSync(temporary, { createNew: true, write: true, mode: 0o600 });
    try {
      writeAllSync(file, new TextEncoder().encode(text));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temporary, path);
  } catch (error) {
    try {
      Deno.removeSync(temporary);
    } catch {
      // Nothing was created.
    }
    throw fail(error);
  }
}

function noProfile(user: string, path: string): UsageError {
  return new UsageError(
    `No profile for user "${user}" in ${path}: see "ghost-hunter profile list" for the users`,
  );
}

function summary(p: UserProfile) {
  return {
    user: p.user,
    state: profileState(p),
    sessions: p.sessions,
    inputs: p.inputs,
    impostor_alerts: p.impostorAlerts,
    disagreements: p.disagreements,
    updated: new Date(p.updatedAt).toISOString(),
  };
}

function listTable(store: ProfileStore): string {
  const rows = store.list().map(summary);
  const header = ["USER", "STATE", "SESSIONS", "INPUTS", "IMPOSTOR ALERTS", "UPDATED"];
  const lines = rows.map((r) => [
    r.user,
    r.state,
    String(r.sessions),
    String(r.inputs),
    String(r.impostor_alerts),
    r.updated,
  ]);
  if (lines.length === 0) return "No profiles yet.";
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((cells) =>
    cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()
  )
    .join("\n");
}

function showText(p: UserProfile, sessions: ReturnType<ProfileStore["sessions"]>): string {
  const s = summary(p);
  const lines = [
    `user              ${s.user}`,
    `state             ${s.state}`,
    `sessions merged   ${s.sessions}`,
    `inputs            ${s.inputs}`,
    `impostor alerts   ${s.impostor_alerts}`,
    `disagreements     ${s.disagreements}`,
    `updated           ${s.updated}`,
    "",
    "FEATURE               MEAN      WINDOWS",
    ...FEATURE_NAMES.map((name, f) =>
      `${name.padEnd(20)} ${
        Number.isNaN(p.mean[f]!) ? "-".padStart(8) : p.mean[f]!.toFixed(4).padStart(8)
      } ${p.weight[f]!.toFixed(1).padStart(10)}`
    ),
    "",
    "RECENT SESSIONS (newest first)",
    ...(sessions.length === 0
      ? ["none"]
      : sessions.map((r) =>
        `${new Date(r.endedAt).toISOString()}  ${String(r.inputs).padStart(7)} inputs  ${
          r.distance === undefined ? "-" : r.distance.toFixed(3)
        }  ${r.outcome}`
      )),
  ];
  return lines.join("\n");
}

function print(text: string): void {
  console.log(text);
}
