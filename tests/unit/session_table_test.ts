import assert from "node:assert/strict";
import fc from "fast-check";
import { type SessionIdentity, SessionTable } from "../../src/pipeline/session_table.ts";

const PTS = 136 << 20;

function login(minor: number, loginId: number): SessionIdentity {
  return { key: PTS | minor, name: `pts/${minor}`, loginId };
}

Deno.test("session table: events of one login share a session; its end removes it", () => {
  const table = new SessionTable({ maxSessions: 4 });
  assert.deepEqual(table.admit(login(3, 100)), { session: login(3, 100), left: [] });
  assert.deepEqual(table.admit(login(3, 100)).left, []);
  // After the leader detaches, events carry no login: still the same session.
  assert.deepEqual(table.admit(login(3, 0)), { session: login(3, 100), left: [] });
  assert.equal(table.end(3 | PTS, 99), undefined, "another login's end is not this one's");
  assert.deepEqual(table.end(PTS | 3, 100), login(3, 100));
  assert.equal(table.size, 0);
  assert.equal(table.end(PTS | 3, 100), undefined, "an end is reported once");
});

Deno.test("session table: a new login on a reused terminal is a new session, the old one ended", () => {
  const table = new SessionTable({ maxSessions: 4 });
  table.admit(login(3, 100));
  assert.deepEqual(table.admit(login(3, 200)), {
    session: login(3, 200),
    left: [{ identity: login(3, 100), reason: "ended" }],
  });
  assert.deepEqual([...table.sessions()], [login(3, 200)]);
  assert.equal(table.evictions, 0);
});

Deno.test("session table: past maxSessions the least recently active is evicted and counted", () => {
  const table = new SessionTable({ maxSessions: 2 });
  table.admit(login(1, 10));
  table.admit(login(2, 20));
  table.admit(login(1, 10));
  assert.deepEqual(table.admit(login(3, 30)).left, [{ identity: login(2, 20), reason: "evicted" }]);
  assert.equal(table.evictions, 1);
  assert.deepEqual(table.byName("pts/1"), login(1, 10));
  assert.throws(() => new SessionTable({ maxSessions: 0 }), /maxSessions must be an integer ≥ 1/);
});

Deno.test("session table: never more than maxSessions, one session per terminal, every departure reported", () => {
  const step = fc.record({
    end: fc.boolean(),
    minor: fc.integer({ min: 0, max: 7 }),
    loginId: fc.integer({ min: 0, max: 3 }),
  });
  fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.array(step), (max, steps) => {
    const table = new SessionTable({ maxSessions: max });
    let admitted = 0;
    let departed = 0;
    for (const { end, minor, loginId } of steps) {
      const before = table.size;
      if (end) {
        if (table.end(PTS | minor, loginId) !== undefined) departed++;
      } else {
        const { left } = table.admit(login(minor, loginId));
        departed += left.length;
        if (table.size + left.length > before) admitted++;
      }
      assert.ok(table.size <= max);
      const keys = [...table.sessions()].map((s) => s.key);
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(admitted - departed, table.size);
    }
  }));
});
