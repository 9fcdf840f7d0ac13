import assert from "node:assert/strict";
import { type Allowlist, routeEvent } from "../../src/pipeline/event_route.ts";
import { ttyNrOfSessionKey } from "../../src/kernel/tty_nr.ts";

const NOBODY: Allowlist = { uids: [], comms: [], ttys: [] };
const PTS_3 = (136 << 20) | 3;
const PTS_4 = (136 << 20) | 4;
const event = { key: PTS_3, name: "pts/3", uid: 1000, comm: "sshd" };

Deno.test("routing: allowlisted terminals, users and writers are ignored, others scored and answered", () => {
  const route = (allow: Partial<Allowlist>, ownTtyNr?: number) =>
    routeEvent(event, { allow: { ...NOBODY, ...allow }, ownTtyNr });
  assert.equal(route({}), "score-and-respond");
  assert.equal(route({ ttys: ["pts/3"] }), "ignore");
  assert.equal(route({ uids: [1000] }), "ignore");
  assert.equal(route({ comms: ["sshd"] }), "ignore");
  assert.equal(route({ ttys: ["pts/4"], uids: [0], comms: ["tmux"] }), "score-and-respond");
  assert.equal(
    routeEvent({ key: PTS_3, name: "pts/3" }, {
      allow: { ...NOBODY, uids: [0] },
      ownTtyNr: undefined,
    }),
    "score-and-respond",
    "an event without a uid matches no uid rule",
  );
});

Deno.test("routing: the agent's own terminal is scored but never answered", () => {
  const own = ttyNrOfSessionKey(PTS_3);
  assert.equal(routeEvent(event, { allow: NOBODY, ownTtyNr: own }), "score");
  assert.equal(
    routeEvent({ ...event, key: PTS_4, name: "pts/4" }, { allow: NOBODY, ownTtyNr: own }),
    "score-and-respond",
  );
  assert.equal(
    routeEvent(event, { allow: { ...NOBODY, ttys: ["pts/3"] }, ownTtyNr: own }),
    "ignore",
  );
});
