import assert from "node:assert/strict";
import fc from "fast-check";
import { DatabaseSync } from "node:sqlite";
import { ProfileStore, SCHEMA_VERSION, SESSION_HISTORY } from "../../src/profile/profile_store.ts";
import { exportProfiles, parseProfileExport } from "../../src/profile/profile_export.ts";
import { emptyProfile, type UserProfile } from "../../src/profile/user_profile.ts";
import { FEATURE_COUNT, FEATURE_NAMES } from "../../src/profile/timing_window.ts";
import { UsageError } from "../../src/errors.ts";
import { buildBlocker, skipOrFail } from "../support/gate.ts";
import { symlink } from "../support/symlink.ts";

function profile(user: string, k: number): UserProfile {
  const p = emptyProfile(user, 1_000 + k);
  return {
    ...p,
    sessions: k,
    inputs: 300 * k,
    mean: p.mean.map((_, f) => (f === 3 ? NaN : k + f / 100)),
    weight: p.weight.map(() => k),
    updatedAt: 2_000 + k,
  };
}

function sqlite3(path: string, sql: string): string {
  const out = new Deno.Command("sqlite3", { args: [path, sql] }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("Profiles round-trip through the database, a 0600 file in a 0700 folder", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
  const path = `${dir}/sub/profiles.db`;
  try {
    {
      using store = ProfileStore.open(path);
      store.save(profile("alice", 3), {
        endedAt: 5,
        inputs: 300,
        distance: 0.01,
        outcome: "merged",
      });
      store.save(profile("bob", 1));
    }
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.equal(Deno.statSync(`${dir}/sub`).mode! & 0o777, 0o700);
    using store = ProfileStore.open(path, { readOnly: true });
    const alice = store.get("alice")!;
    assert.deepEqual(alice, profile("alice", 3));
    assert.deepEqual(store.list().map((p) => p.user), ["alice", "bob"]);
    assert.deepEqual(store.sessions("alice"), [{
      endedAt: 5,
      inputs: 300,
      distance: 0.01,
      outcome: "merged",
    }]);
    assert.equal(store.get("carol"), undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

const READABLE = "The standard sqlite3 tool reads the database: WAL, schema version, profiles";
Deno.test({
  name: READABLE,
  ignore: skipOrFail(READABLE, buildBlocker({ tools: ["sqlite3"] })),
}, () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
  const path = `${dir}/profiles.db`;
  try {
    {
      using store = ProfileStore.open(path);
      store.save(profile("alice", 3));
      store.save(profile("bob", 1));
    }
    assert.equal(sqlite3(path, "PRAGMA journal_mode"), "wal");
    assert.equal(sqlite3(path, "PRAGMA user_version"), String(SCHEMA_VERSION));
    assert.equal(
      sqlite3(path, "SELECT user, sessions, inputs FROM profiles ORDER BY user"),
      "alice|3|900\nbob|1|300",
    );
    assert.equal(sqlite3(path, "SELECT count(*) FROM profile_features"), String(2 * FEATURE_COUNT));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("The session history keeps the newest sessions only", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
  try {
    using store = ProfileStore.open(`${dir}/p.db`);
    for (let k = 0; k < SESSION_HISTORY + 7; k++) {
      store.save(profile("alice", 1), { endedAt: k, inputs: k, outcome: "merged" });
    }
    const kept = store.sessions("alice");
    assert.equal(kept.length, SESSION_HISTORY);
    assert.equal(kept[0]!.endedAt, SESSION_HISTORY + 6);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("Forget removes every row of that user and nothing of anyone else", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
  const path = `${dir}/p.db`;
  try {
    using store = ProfileStore.open(path);
    for (const user of ["alice", "bob"]) {
      store.save(profile(user, 2), { endedAt: 1, inputs: 300, outcome: "merged" });
    }
    assert.ok(store.forget("alice"));
    assert.ok(!store.forget("alice"));
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      for (const table of ["profiles", "profile_features", "profile_sessions"]) {
        const rows = db.prepare(`SELECT user, count(*) AS n FROM ${table} GROUP BY user`).all();
        assert.deepEqual(rows.map((r) => r.user), ["bob"], table);
      }
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("An older schema is migrated on open; a newer one is refused with a one-line error", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
  try {
    const old = `${dir}/old.db`;
    new DatabaseSync(old).close();
    ProfileStore.open(old).close();
    const db = new DatabaseSync(old);
    assert.equal(
      (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
    db.exec("PRAGMA user_version = 99");
    db.close();
    assert.throws(() => ProfileStore.open(old), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(
        error.message,
        /^Cannot use the profile database .*schema version 99, this build reads 1; use a newer ghost-hunter$/,
      );
      return true;
    });
    Deno.writeTextFileSync(`${dir}/junk.db`, "not a database at all, just text ".repeat(100));
    assert.throws(
      () => ProfileStore.open(`${dir}/junk.db`),
      /^UsageError: Cannot open the profile database .*junk\.db: not an SQLite database/,
    );
    // A database's header over garbage: SQLite itself refuses it.
    Deno.writeTextFileSync(`${dir}/broken.db`, "SQLite format 3\0" + "garbage ".repeat(100));
    assert.throws(
      () => ProfileStore.open(`${dir}/broken.db`),
      /^UsageError: Cannot read the profile database .*broken\.db/,
    );
    assert.throws(() => ProfileStore.open(`${dir}/missing.db`, { readOnly: true }), /no such file/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

const WRITER = `
import { ProfileStore } from "${
  new URL("../../src/profile/profile_store.ts", import.meta.url).href
}";
import { emptyProfile } from "${
  new URL("../../src/profile/user_profile.ts", import.meta.url).href
}";
using store = ProfileStore.open(Deno.args[0]);
console.log("open");
// Each writer carries on from what the killed one committed last.
for (let k = (store.get("carol")?.sessions ?? 0) + 1; ; k++) {
  for (const user of ["alice", "bob", "carol"]) {
    const p = emptyProfile(user, 0);
    store.save({ ...p, sessions: k, inputs: k, mean: p.mean.map(() => k), weight: p.weight.map(() => k) },
      { endedAt: k, inputs: k, outcome: "merged" });
  }
}
`;

Deno.test("A writer killed with SIGKILL mid-write leaves a consistent database", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
  const path = `${dir}/p.db`;
  const script = `${dir}/writer.ts`;
  Deno.writeTextFileSync(script, WRITER);
  try {
    let lastSessions = 0;
    for (let round = 0; round < 4; round++) {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-write", script, path],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const reader = child.stdout.getReader();
      await reader.read();
      await new Promise((resolve) => setTimeout(resolve, 150 + 70 * round));
      child.kill("SIGKILL");
      reader.releaseLock();
      await child.stdout.cancel();
      await child.status;
      using store = ProfileStore.open(path);
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        assert.equal(
          (db.prepare("PRAGMA integrity_check").get() as Record<string, string>).integrity_check,
          "ok",
        );
      } finally {
        db.close();
      }
      const profiles = store.list();
      assert.ok(profiles.length >= 1);
      for (const p of profiles) {
        // One transaction per save: the counters and every feature row agree.
        assert.ok(p.mean.every((m) => m === p.sessions), `${p.user}: ${p.mean} vs ${p.sessions}`);
        assert.ok(p.weight.every((w) => w === p.sessions));
        assert.equal(p.mean.length, FEATURE_COUNT);
        assert.equal(store.sessions(p.user)[0]?.endedAt, p.sessions);
      }
      const alice = store.get("alice")!.sessions;
      assert.ok(alice >= lastSessions, "a later writer's commits persist across the kill");
      lastSessions = alice;
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("Export and import round-trip every profile", () => {
  const profiles = [profile("alice", 3), { ...profile("root", 9), shared: true }];
  const text = JSON.stringify(exportProfiles(profiles));
  assert.deepEqual(parseProfileExport(text, "x.json"), profiles);
});

/**
 * Features of older builds, what their databases and exports hold: the first
 * build's 17, then 27 with the pair features (before the after-Enter median).
 */
const OLDER_FEATURE_COUNTS = [17, 27];

Deno.test("A profile saved by an older build, without the newer features, reads as not learnt for them", () => {
  for (const count of OLDER_FEATURE_COUNTS) {
    const known = FEATURE_NAMES.slice(0, count);
    const dir = Deno.makeTempDirSync({ prefix: "gh-profiles-" });
    try {
      const path = `${dir}/p.db`;
      {
        using writer = ProfileStore.open(path);
        writer.save(profile("alice", 3), { endedAt: 1, inputs: 900, outcome: "merged" });
      }
      const names = known.map((n) => `'${n}'`).join(",");
      sqlite3(path, `DELETE FROM profile_features WHERE feature NOT IN (${names})`);
      using store = ProfileStore.open(path);
      const alice = store.get("alice")!;
      const expected = profile("alice", 3);
      FEATURE_NAMES.forEach((name, f) => {
        const old = known.includes(name);
        assert.deepEqual(alice.mean[f], old ? expected.mean[f] : NaN, `${count}: ${name}`);
        assert.equal(alice.weight[f], old ? expected.weight[f] : 0, `${count}: ${name}`);
      });
      const doc = exportProfiles([expected]);
      for (
        const p of doc.profiles as {
          mean: Record<string, unknown>;
          weight: Record<string, unknown>;
        }[]
      ) {
        for (const name of FEATURE_NAMES.slice(count)) {
          delete p.mean[name];
          delete p.weight[name];
        }
      }
      assert.deepEqual(parseProfileExport(JSON.stringify(doc), "old.json"), [alice]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  }
});

Deno.test("fuzz: any JSON imports as profiles or fails with one line naming the file", () => {
  const valid = exportProfiles([profile("alice", 3)]);
  const mutated = fc.oneof(
    fc.jsonValue(),
    fc.record({
      ghost_hunter_profiles: fc.oneof(fc.constant(1), fc.jsonValue()),
      profiles: fc.oneof(fc.constant(valid.profiles), fc.array(fc.jsonValue(), { maxLength: 3 })),
    }),
  );
  fc.assert(
    fc.property(mutated, (doc) => {
      try {
        const profiles = parseProfileExport(JSON.stringify(doc), "in.json");
        for (const p of profiles) assert.equal(p.mean.length, FEATURE_COUNT);
      } catch (error) {
        assert.ok(error instanceof UsageError, String(error));
        assert.match(error.message, /^Cannot import profiles from in\.json: [^\n]+[^.]$/);
      }
    }),
    { numRuns: 500 },
  );
  assert.throws(() => parseProfileExport("{", "a.json"), /a\.json: not JSON/);
  const badUser = { ...valid, profiles: [{ ...(valid.profiles as object[])[0], user: "../etc" }] };
  assert.throws(
    () => parseProfileExport(JSON.stringify(badUser), "a.json"),
    /user must be a user name/,
  );
});

Deno.test("A path that is not a regular file is refused before anything touches it (no chmod, no journal beside it)", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-store-" });
  try {
    const fifo = `${dir}/fifo`;
    new Deno.Command("mkfifo", { args: ["-m", "0644", fifo] }).outputSync();
    for (const path of [dir, fifo]) {
      for (const readOnly of [false, true]) {
        assert.throws(
          () => ProfileStore.open(path, { readOnly }),
          (error: unknown) =>
            error instanceof UsageError &&
            error.message ===
              `Cannot open the profile database ${path}: not a regular file; give --profiles the path of a database file`,
        );
      }
    }
    assert.equal(Deno.statSync(fifo).mode! & 0o777, 0o644, "the FIFO keeps its mode");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["fifo"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("A file that is not an SQLite database is refused before it is chmodded or journalled", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-store-" });
  try {
    const path = `${dir}/passwd`;
    Deno.writeTextFileSync(path, "root:x:0:0:root:/root:/bin/bash\n", { mode: 0o644 });
    Deno.chmodSync(path, 0o644);
    assert.throws(
      () => ProfileStore.open(path),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message ===
          `Cannot open the profile database ${path}: not an SQLite database; give --profiles the path of a database file`,
    );
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o644, "its mode is untouched");
    assert.equal(Deno.readTextFileSync(path), "root:x:0:0:root:/root:/bin/bash\n");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["passwd"]);
    const empty = `${dir}/empty.db`;
    Deno.writeTextFileSync(empty, "", { mode: 0o644 });
    ProfileStore.open(empty).close();
    assert.equal(Deno.statSync(empty).mode! & 0o777, 0o600, "an empty file becomes the database");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("A symbolic link at the database path is refused for writing: its target is neither created nor chmodded", () => {
  const dir = Deno.makeTempDirSync({ prefix: "gh-store-" });
  try {
    const empty = `${dir}/empty`;
    Deno.writeTextFileSync(empty, "");
    Deno.chmodSync(empty, 0o644);
    symlink(empty, `${dir}/to-empty.db`);
    symlink(`${dir}/absent`, `${dir}/dangling.db`);
    for (const path of [`${dir}/to-empty.db`, `${dir}/dangling.db`]) {
      assert.throws(
        () => ProfileStore.open(path),
        (error: unknown) =>
          error instanceof UsageError &&
          error.message ===
            `Cannot open the profile database ${path}: it is a symbolic link, which is not followed; give --profiles the path of the database file itself`,
      );
    }
    assert.equal(Deno.statSync(empty).mode! & 0o777, 0o644, "the target keeps its mode");
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["dangling.db", "empty", "to-empty.db"],
      "nothing created beside them",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
