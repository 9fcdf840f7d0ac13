import assert from "node:assert/strict";
import { getLogger, reset } from "@logtape/logtape";
import { LOG_CATEGORY, setupLogging } from "../../src/log.ts";

Deno.test("logs are JSON lines at the configured level and up", async () => {
  const lines: string[] = [];
  await setupLogging({ level: "info", write: (line) => lines.push(line) });
  try {
    const logger = getLogger([...LOG_CATEGORY, "test"]);
    logger.debug("not shown");
    logger.info("session {session} tracked", { session: "pts/3" });
    logger.warning("lambda clamped", { lambda: 80 });
    getLogger(["another-library"]).error("not ours");
  } finally {
    await reset();
  }
  assert.equal(lines.length, 2);
  assert.ok(lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n")));
  const [info, warning] = lines.map((line) => JSON.parse(line));
  assert.equal(info.level, "INFO");
  assert.equal(info.logger, "ghost-hunter.test");
  assert.equal(info.message, 'session "pts/3" tracked');
  assert.deepEqual(info.properties, { session: "pts/3" });
  assert.ok(!Number.isNaN(Date.parse(info["@timestamp"])));
  assert.equal(warning.level, "WARN");
  assert.deepEqual(warning.properties, { lambda: 80 });
});
