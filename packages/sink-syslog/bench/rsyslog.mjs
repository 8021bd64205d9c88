// (c) Into a real rsyslogd (when installed): the sink behind the DeliveryQueue over TCP against
// a ceiling of pre-formatted octet-counted batches on one connection, both counted by the lines
// rsyslog's omfile wrote.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activate } from "@iw/core";
import { makeTestEvents } from "@iw/testkit";
import { plugin } from "../dist/index.js";
// Internals of the built package (not exported): the bench drives the encoder on its own.
import { SyslogEncoder } from "../dist/encoder.js";
import { resolveOptions } from "../dist/resolve-options.js";
import { countingLogger, sleep } from "./common.mjs";

export function findRsyslogd() {
  const r = spawnSync("sh", ["-c", "command -v rsyslogd || ls /usr/sbin/rsyslogd"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split("\n")[0] : undefined;
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startRsyslog(bin) {
  const dir = mkdtempSync(join(tmpdir(), "iw-bench-rsyslog-"));
  const port = await freePort();
  const out = join(dir, "out.log");
  writeFileSync(
    join(dir, "rsyslog.conf"),
    `global(workDirectory="${dir}")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${port}")
template(name="line" type="string" string="%msgid%\\n")
action(type="omfile" file="${out}" template="line" asyncWriting="on" ioBufferSize="256k" flushOnTXEnd="off")
`,
  );
  const child = spawn(bin, ["-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "pid")], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        r(true);
      });
      s.on("error", () => r(false));
    });
    if (ok) break;
    await sleep(50);
  }
  const count = () => (existsSync(out) ? readFileSync(out).toString("latin1").split("\n").length - 1 : 0);
  return {
    url: `tcp://127.0.0.1:${port}`,
    port,
    count,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function arrived(rs, n, t0) {
  let last = -1;
  let at = performance.now() - t0;
  for (;;) {
    const c = rs.count();
    if (c !== last) [last, at] = [c, performance.now() - t0];
    if (c >= n || performance.now() - t0 - at > 2000) return { ms: at, count: c };
    await sleep(5);
  }
}

async function viaQueue(bin, events) {
  const rs = await startRsyslog(bin);
  const iw = await activate({
    env: { IW_SYSLOG_URL: rs.url, IW_SYSLOG_MAX_QUEUE_BYTES: "4GiB", IW_SYSLOG_AUDIT_RESERVE_BYTES: "1GiB" },
    plugins: [plugin],
    logger: countingLogger(),
    summaryIntervalMs: 0,
  });
  const t0 = performance.now();
  for (const e of events) iw.emit(e);
  await iw.flush(120_000);
  const r = await arrived(rs, events.length, t0);
  await iw.close(1000);
  await rs.stop();
  return r;
}

async function ceiling(bin, events) {
  const rs = await startRsyslog(bin);
  const enc = new SyslogEncoder(resolveOptions({ url: rs.url }));
  const chunks = [];
  for (let i = 0; i < events.length; i += 500)
    chunks.push(
      Buffer.from(
        events
          .slice(i, i + 500)
          .map((e) => {
            const t = enc.encode(e).text;
            return `${Buffer.byteLength(t)} ${t}`;
          })
          .join(""),
      ),
    );
  const socket = connect(rs.port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  const t0 = performance.now();
  for (const c of chunks) await new Promise((res, rej) => socket.write(c, (err) => (err ? rej(err) : res())));
  const r = await arrived(rs, events.length, t0);
  socket.destroy();
  await rs.stop();
  return r;
}

export async function runRsyslog(bin, scale, rounds = 3) {
  const n = 100_000 * scale;
  await viaQueue(bin, makeTestEvents(5_000));
  await ceiling(bin, makeTestEvents(5_000));
  const sink = [];
  const ceil = [];
  for (let i = 0; i < rounds; i++) {
    sink.push(await viaQueue(bin, makeTestEvents(n)));
    ceil.push(await ceiling(bin, makeTestEvents(n)));
  }
  const best = (xs) => xs.reduce((a, b) => (b.count / b.ms > a.count / a.ms ? b : a));
  const rate = (x) => (x.count / x.ms) * 1000;
  return {
    n,
    rounds,
    sink: { ...best(sink), rate: rate(best(sink)), all: sink.every((x) => x.count === n) },
    ceiling: { ...best(ceil), rate: rate(best(ceil)), all: ceil.every((x) => x.count === n) },
  };
}
