import assert from "node:assert/strict";
import fc from "fast-check";
import {
  parseSessionsDocument,
  sessionRow,
  type SessionState,
} from "../../src/pipeline/sessions_document.ts";

const BASE: SessionState = {
  session: "pts/3",
  uid: undefined,
  comm: undefined,
  score: 0.5,
  inputs: 4,
  outputs: 2,
  alerted: false,
  lambda: undefined,
  disclosed: false,
};

Deno.test("sessions document: the verdict is the most escalated thing that holds", () => {
  assert.equal(sessionRow(BASE).verdict, "normal");
  assert.equal(sessionRow({ ...BASE, alerted: true }).verdict, "alerted");
  assert.equal(sessionRow({ ...BASE, alerted: true, lambda: 2 }).verdict, "jittered");
  assert.equal(sessionRow({ ...BASE, lambda: 2, disclosed: true }).verdict, "disclosure-confirmed");
  assert.deepEqual(sessionRow({ ...BASE, uid: 1000, comm: "bash", lambda: 2 }), {
    session: "pts/3",
    uid: 1000,
    comm: "bash",
    score: 0.5,
    inputs: 4,
    outputs: 2,
    verdict: "jittered",
    lambda: 2,
  });
});

Deno.test("sessions document: whatever the agent writes, top reads back unchanged", () => {
  const state = fc.record({
    session: fc.string(),
    uid: fc.option(fc.nat(), { nil: undefined }),
    comm: fc.option(fc.string({ maxLength: 15 }), { nil: undefined }),
    score: fc.double({ min: 0, max: 1, noNaN: true }),
    inputs: fc.nat(),
    outputs: fc.nat(),
    alerted: fc.boolean(),
    lambda: fc.option(fc.double({ min: 0.1, max: 1000, noNaN: true }), { nil: undefined }),
    disclosed: fc.boolean(),
  });
  fc.assert(fc.property(fc.array(state), fc.boolean(), (states, dryRun) => {
    const document = {
      agent: { pid: 42, dry_run: dryRun, threshold: 0.72 },
      sessions: states.map(sessionRow),
    };
    assert.deepEqual(parseSessionsDocument(JSON.parse(JSON.stringify(document))), document);
  }));
  assert.throws(() => parseSessionsDocument({ agent: {}, sessions: [] }), /needs a pid/);
});
