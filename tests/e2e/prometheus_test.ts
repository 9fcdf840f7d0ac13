/**
 * The agent's metrics scraped by a real Prometheus server (Debian's, unpacked
 * into .tools by `make`), as an operator would run it: the target is up with
 * no scrape error, and the counters, the labelled alert counter and the
 * histograms are queryable with the values the agent counted. `promtool
 * check metrics` finds nothing to say about the exposition either.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { buildBlocker, kernelBlocker, REPO_ROOT, skipOrFail } from "../support/gate.ts";
import { freeLoopbackPort } from "../support/loopback_port.ts";
import { Pty } from "../support/pty.ts";

const PROMETHEUS_BIN = ".tools/prometheus/usr/bin";
const SCRAPE_TIMEOUT_MS = 30_000;

interface ScrapeTarget {
  health: string;
  lastError: string;
}

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** A Prometheus server on loopback scraping `target` every second; stop() ends it and removes its data. */
class TestPrometheus {
  readonly #process: Deno.ChildProcess;
  readonly #dir: string;
  readonly #port: number;

  private constructor(process: Deno.ChildProcess, dir: string, port: number) {
    this.#process = process;
    this.#dir = dir;
    this.#port = port;
  }

  static async start(target: string): Promise<TestPrometheus> {
    const dir = await Deno.makeTempDir({ prefix: "ghost-hunter-prometheus-" });
    const config = `${dir}/prometheus.yml`;
    await Deno.writeTextFile(
      config,
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ghost-hunter
    static_configs:
      - targets: ["${target}"]
`,
    );
    const port = freeLoopbackPort();
    const process = new Deno.Command(`${REPO_ROOT}${PROMETHEUS_BIN}/prometheus`, {
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return new TestPrometheus(process, dir, port);
  }

  async #get(path: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.#port}${path}`);
    const body = await response.json();
    assert.equal(body.status, "success", JSON.stringify(body));
    return body.data;
  }

  /** The scrape target once Prometheus has scraped it at least once. */
  async scrapedTarget(): Promise<ScrapeTarget> {
    const deadline = Date.now() + SCRAPE_TIMEOUT_MS;
    for (;;) {
      try {
        const data = await this.#get("/api/v1/targets") as {
          activeTargets: (ScrapeTarget & { lastScrape: string })[];
        };
        const target = data.activeTargets[0];
        if (target !== undefined && !target.lastScrape.startsWith("0001-")) return target;
      } catch (error) {
        // Not listening yet.
        if (!(error instanceof TypeError)) throw error;
      }
      if (Date.now() > deadline) throw new Error("Timed out waiting for Prometheus to scrape");
      await sleep(250);
    }
  }

  /** The samples of an instant PromQL query. */
  async query(promql: string): Promise<QueryResult[]> {
    const data = await this.#get(`/api/v1/query?query=${encodeURIComponent(promql)}`) as {
      result: QueryResult[];
    };
    return data.result;
  }

  async stop(): Promise<void> {
    try {
      this.#process.kill("SIGTERM");
    } catch {
      // already exited
    }
    await this.#process.status;
    await Deno.remove(this.#dir, { recursive: true });
  }
}

/** The one sample `promql` gives, as a number. */
async function scalar(prometheus: TestPrometheus, promql: string): Promise<number> {
  const result = await prometheus.query(promql);
  assert.equal(result.length, 1, `${promql}: ${JSON.stringify(result)}`);
  return Number(result[0]!.value[1]);
}

Deno.test({
  name: "prometheus: a real Prometheus scrapes the agent's metrics without error and queries them",
  ignore: skipOrFail(
    "real Prometheus scrape",
    kernelBlocker(),
    buildBlocker({ files: [`${PROMETHEUS_BIN}/prometheus`, `${PROMETHEUS_BIN}/promtool`] }),
  ),
  async fn() {
    const agentPort = freeLoopbackPort();
    const target = `127.0.0.1:${agentPort}`;
    const agent = await AgentOnPty.start(
      ["--dry-run", "--metrics-listen", target],
      "Probe attached",
    );
    const scripted = new Pty();
    let prometheus: TestPrometheus | undefined;
    try {
      // A scripted session: events both ways, an alert, scoring-lag samples.
      scripted.spawn("exec bash --norc --noprofile -i");
      await sleep(200);
      for (let i = 0; i < 25; i++) {
        scripted.type(`echo x${i}\r`);
        await sleep(100);
      }
      const exposition = await (await fetch(`http://${target}/metrics`)).text();
      const lint = new Deno.Command(`${REPO_ROOT}${PROMETHEUS_BIN}/promtool`, {
        args: ["check", "metrics"],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = lint.stdin.getWriter();
      await writer.write(new TextEncoder().encode(exposition));
      await writer.close();
      const linted = await lint.output();
      const decoder = new TextDecoder();
      assert.equal(
        linted.code,
        0,
        `promtool: ${decoder.decode(linted.stdout)}${decoder.decode(linted.stderr)}`,
      );
      assert.equal(decoder.decode(linted.stdout) + decoder.decode(linted.stderr), "");

      prometheus = await TestPrometheus.start(target);
      const scraped = await prometheus.scrapedTarget();
      assert.equal(scraped.lastError, "", "Prometheus accepted the exposition");
      assert.equal(scraped.health, "up");

      assert.equal(await scalar(prometheus, 'ghost_hunter_build_info{version!=""}'), 1);
      const inputs = await scalar(prometheus, 'ghost_hunter_events_total{direction="input"}');
      const outputs = await scalar(prometheus, 'ghost_hunter_events_total{direction="output"}');
      assert.ok(inputs >= 25, `inputs ${inputs}`);
      assert.ok(outputs > 0, `outputs ${outputs}`);
      assert.ok(
        await scalar(prometheus, 'ghost_hunter_alerts_total{type="ghost-hunter-anomaly"}') >= 1,
        "the alert counter carries its type label",
      );
      assert.equal(await scalar(prometheus, "ghost_hunter_kernel_drops_total"), 0);
      assert.ok(await scalar(prometheus, "ghost_hunter_scoring_lag_seconds_count") >= inputs);
      const medianLag = await scalar(
        prometheus,
        "histogram_quantile(0.5, ghost_hunter_scoring_lag_seconds_bucket)",
      );
      assert.ok(Number.isFinite(medianLag) && medianLag >= 0, `median lag ${medianLag}`);
    } finally {
      await prometheus?.stop();
      await scripted.close();
      await agent.stop();
    }
  },
});
