import assert from "node:assert/strict";
import { AgentLock } from "../../src/actuation/agent_lock.ts";

const LOCK_MODULE = new URL("../../src/actuation/agent_lock.ts", import.meta.url).href;

/** A child Deno process that takes the lock at `path`, says so, and waits to be killed. */
async function childHolding(
  path: string,
): Promise<{ child: Deno.ChildProcess; stdout: ReadableStreamDefaultReader<Uint8Array> }> {
  const script = `import { AgentLock } from "${LOCK_MODULE}";
const lock = await AgentLock.acquire({ path: ${JSON.stringify(path)} });
console.log(lock instanceof AgentLock ? "locked" : "busy");
setInterval(() => {}, 60_000);`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdout = child.stdout.getReader();
  const { value } = await stdout.read();
  assert.equal(new TextDecoder().decode(value).trim(), "locked");
  return { child, stdout };
}

async function withLockDir(body: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    await body(`${dir}/run/agent.lock`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the lock is one holder's: another process is told the holder's pid until the holder dies, even by SIGKILL", async () => {
  await withLockDir(async (path) => {
    const { child, stdout } = await childHolding(path);
    try {
      assert.deepEqual(await AgentLock.acquire({ path }), { heldBy: child.pid });
      assert.deepEqual(await AgentLock.acquire({ path, waitMs: 300 }), { heldBy: child.pid });
    } finally {
      child.kill("SIGKILL");
      await child.status;
      await stdout.cancel();
    }
    const lock = await AgentLock.acquire({ path });
    assert.ok(lock instanceof AgentLock, "a dead holder's lock is free");
    lock.close();
    assert.equal(Deno.readTextFileSync(path), `${Deno.pid}\n`);
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
  });
});

Deno.test("a waiting process gets the lock once its holder lets go, and close is idempotent", async () => {
  await withLockDir(async (path) => {
    const first = await AgentLock.acquire({ path });
    assert.ok(first instanceof AgentLock);
    assert.deepEqual(await AgentLock.acquire({ path }), { heldBy: Deno.pid });
    setTimeout(() => first.close(), 200);
    const second = await AgentLock.acquire({ path, waitMs: 5000 });
    assert.ok(second instanceof AgentLock, "taken after the first closed");
    first.close();
    second.close();
    second.close();
  });
});
