import assert from "node:assert/strict";
import { parseRunArgs } from "../../src/cli/run_args.ts";
import { parseConfigBytes } from "../../src/config/load_config.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import { renderTopFrame, ScoreHistory } from "../../src/cli/top_view.ts";
import type { SessionRow } from "../../src/pipeline/sessions_document.ts";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

Deno.test("Profiles are on by default at /var/lib/ghost-hunter/profiles.db; --profiles off turns them off", async () => {
  assert.equal(DEFAULT_CONFIG.profiles, "/var/lib/ghost-hunter/profiles.db");
  assert.equal(DEFAULT_CONFIG.response.impostor, "alert");
  assert.equal((await parseRunArgs(["--profiles", "off"])).profiles, null);
  assert.equal((await parseRunArgs(["--profiles", "/tmp/p.db"])).profiles, "/tmp/p.db");
  await assert.rejects(
    parseRunArgs(["--profiles", ""]),
    /^UsageError: Option --profiles expects null \(no profiles\) or a file path/,
  );
});

Deno.test("response.impostor accepts alert or jitter, and nothing else", () => {
  assert.equal(
    parseConfigBytes(encode({ response: { impostor: "jitter" } }), "c.json").response.impostor,
    "jitter",
  );
  assert.equal(parseConfigBytes(encode({ profiles: null }), "c.json").profiles, null);
  assert.throws(
    () => parseConfigBytes(encode({ response: { impostor: "kill" } }), "c.json"),
    /^UsageError: Config file c\.json: "response\.impostor" must be one of "alert", "jitter", got "kill"$/,
  );
});

Deno.test("top says where each session stands against its user's profile", () => {
  const session = (name: string, state?: string): SessionRow => ({
    session: name,
    uid: 0,
    comm: null,
    score: 0.1,
    inputs: 10,
    outputs: 0,
    verdict: "normal",
    lambda: null,
    ...(state === undefined ? {} : { impostor: { state } }),
  });
  const snapshot = {
    agent: { pid: 1, dry_run: false, threshold: 0.72 },
    sessions: [
      session("pts/1", "no-profile"),
      session("pts/2", "impostor"),
      session("pts/3", "scoring"),
      session("pts/4"),
    ],
  };
  const history = new ScoreHistory();
  const frame = renderTopFrame({
    snapshot,
    history,
    userNames: new Map([[0, "root"]]),
    width: 120,
    height: 20,
    refreshedAt: new Date(0),
  });
  const verdictOf = (pts: string) => frame.split("\n").find((l) => l.startsWith(pts))!;
  assert.match(verdictOf("pts/1"), / normal, no profile /);
  assert.match(verdictOf("pts/2"), / normal, IMPOSTOR /);
  assert.match(verdictOf("pts/3"), / normal, owner /);
  assert.match(verdictOf("pts/4"), / normal +-/);
});
