import assert from "node:assert/strict";
import { realUidOfStatus, sessionIdOfStat, userNameOf } from "../../src/profile/session_user.ts";

Deno.test("The real uid, the session id and the user name are read from /proc and /etc/passwd text", () => {
  assert.equal(realUidOfStatus("Name:\tbash\nUid:\t1000\t0\t0\t0\nGid:\t1000\n"), 1000);
  assert.equal(realUidOfStatus("Name:\tbash\n"), undefined);
  // comm with spaces and parentheses: fields restart after the last ")".
  assert.equal(sessionIdOfStat("4242 (a) b (c)) S 1 4242 4240 34817 4242 4194560"), 4240);
  const passwd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n";
  assert.equal(userNameOf(1000, passwd), "alice");
  assert.equal(userNameOf(0, passwd), "root");
  assert.equal(userNameOf(4242, passwd), "4242");
});
