/*
 * rsyslog and syslog-ng, started by the tests as their own processes on a free loopback port,
 * with a generated configuration that writes what they parsed as JSON lines to a temporary
 * file. scripts/ci/syslog-receivers.sh installs them (.ci/run calls it); where they cannot be
 * installed the tests skip, loudly.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { delay, waitFor } from "@iw/testkit";

/** A running receiver: what it wrote, and how to stop it. */
export interface RealReceiver {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  /** The JSON lines written so far, parsed. */
  lines(): Record<string, unknown>[];
  /** Waits until `n` lines (other than the readiness probes) were written. */
  waitForLines(n: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
  /** What the daemon printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export type RealTransport = "udp" | "tcp" | "tls";

/** Server side TLS files, and whether a client certificate is required. */
export interface RealTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly requireClientCert?: boolean;
}

const which = (name: string): string | undefined => {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = r.stdout.trim();
  return r.status === 0 && path !== "" ? path : undefined;
};

/** rsyslogd, if installed (and where its TLS driver is, if that is installed too). */
export function findRsyslog(): { bin: string; gtls: boolean } | undefined {
  const bin = process.env["IW_RSYSLOGD"] ?? which("rsyslogd") ?? (existsSync("/usr/sbin/rsyslogd") ? "/usr/sbin/rsyslogd" : undefined);
  if (bin === undefined) return undefined;
  const dirs = ["/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog", "/usr/lib/rsyslog", "/usr/lib64/rsyslog"];
  return { bin, gtls: dirs.some((d) => existsSync(join(d, "lmnsd_gtls.so"))) };
}

/**
 * syslog-ng: installed, or unpacked by scripts/ci/syslog-receivers.sh under
 * `$XDG_CACHE_HOME/iw-ci-syslog-ng` (Debian's syslog-ng-core conflicts with rsyslog, so both
 * cannot be installed as packages on one machine).
 */
export function findSyslogNg(): { bin: string; env: NodeJS.ProcessEnv; args: string[]; version: string } | undefined {
  const root =
    process.env["IW_SYSLOG_NG_ROOT"] ?? join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "iw-ci-syslog-ng", "root");
  let bin = process.env["IW_SYSLOG_NG"] ?? which("syslog-ng");
  let env: NodeJS.ProcessEnv = process.env;
  let args: string[] = [];
  if (bin === undefined && existsSync(join(root, "usr/sbin/syslog-ng"))) {
    bin = join(root, "usr/sbin/syslog-ng");
    env = { ...process.env, LD_LIBRARY_PATH: [join(root, "usr/lib/syslog-ng"), process.env["LD_LIBRARY_PATH"]].filter(Boolean).join(":") };
  }
  if (bin === undefined) return undefined;
  const v = spawnSync(bin, ["--version"], { encoding: "utf8", env });
  const version = /syslog-ng \d+ \((\d+\.\d+)/.exec(v.stdout)?.[1];
  if (v.status !== 0 || version === undefined) return undefined;
  if (bin.startsWith(root)) args = [`--module-path=${join(root, "usr/lib/syslog-ng", version)}`];
  return { bin, env, args, version };
}

/** A port nobody listens on right now (TCP and UDP). */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const udp = createSocket("udp4");
    const free = await new Promise<boolean>((r) => {
      udp.once("error", () => r(false));
      udp.bind(port, "127.0.0.1", () => r(true));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (free) return port;
  }
}

const PROBE = "iw-readiness-probe";

export function start(
  name: string,
  dir: string,
  port: number,
  transport: RealTransport,
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<RealReceiver> {
  const out = join(dir, "out.jsonl");
  let output = "";
  const child: ChildProcess = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exitedPromise = new Promise<void>((r) =>
    child.once("exit", () => {
      exited = true;
      r();
    }),
  );
  const all = (): Record<string, unknown>[] => {
    if (!existsSync(out)) return [];
    return readFileSync(out, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const lines = () => all().filter((l) => !JSON.stringify(l).includes(PROBE));
  const receiver: RealReceiver = {
    name,
    port,
    dir,
    lines,
    output: () => output,
    async waitForLines(n, timeoutMs = 10_000) {
      return waitFor(() => (lines().length >= n ? lines() : undefined), {
        timeoutMs,
        what: `${n} lines from ${name} (output: ${output.slice(-500)})`,
      });
    },
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await Promise.race([exitedPromise, delay(3000)]);
      if (!exited) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Ready when it accepts a connection (TCP, TLS) or has written a probe datagram (UDP).
  return (async () => {
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error(`${name} exited: ${output}`);
          if (transport !== "udp") {
            return new Promise<boolean>((r) => {
              const s = connect(port, "127.0.0.1", () => {
                s.destroy();
                r(true);
              });
              s.on("error", () => r(false));
            });
          }
          const probe = `<134>1 2026-01-01T00:00:00Z probe ${PROBE} - ${PROBE} - ${PROBE}`;
          const s = createSocket("udp4");
          await new Promise<void>((r) => s.send(probe, port, "127.0.0.1", () => r()));
          s.close();
          await delay(50);
          return all().length > 0;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: `${name} listening on ${transport} port ${port}` },
      );
    } catch (err) {
      await receiver.stop();
      throw err;
    }
    return receiver;
  })();
}

/** Options of the receivers. */
export interface RealOptions {
  readonly transport: RealTransport;
  /** Streams: `octet-counting` (rsyslog's imtcp takes both; syslog-ng's syslog() source) or `non-transparent` (syslog-ng's network()). */
  readonly framing?: "octet-counting" | "non-transparent";
  readonly tls?: RealTls;
}

/**
 * rsyslogd -n with imudp / imtcp (gtls for TLS, RFC 5425), mmpstrucdata to parse the structured
 * data, and omfile writing each message's properties as JSON: `pri`, `timestamp`, `hostname`,
 * `app`, `procid`, `msgid`, `sd` (the structured data as rsyslog parsed it, a JSON string),
 * `msg`, `protocol` (1 for RFC 5424, 0 for RFC 3164).
 */
export async function startRsyslog(bin: string, o: RealOptions): Promise<RealReceiver> {
  const dir = mkdtempSync(join(tmpdir(), "iw-rsyslog-"));
  const port = await freePort();
  const t = o.tls;
  const input =
    o.transport === "udp"
      ? `module(load="imudp")\ninput(type="imudp" address="127.0.0.1" port="${port}")`
      : o.transport === "tcp"
        ? `module(load="imtcp")\ninput(type="imtcp" address="127.0.0.1" port="${port}")`
        : `global(DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${t!.caFile}" DefaultNetstreamDriverCertFile="${t!.certFile}" DefaultNetstreamDriverKeyFile="${t!.keyFile}")\n` +
          `module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="${t!.requireClientCert ? "x509/certvalid" : "anon"}")\n` +
          `input(type="imtcp" address="127.0.0.1" port="${port}")`;
  writeFileSync(
    join(dir, "rsyslog.conf"),
    `global(workDirectory="${dir}")
${input}
module(load="mmpstrucdata")
template(name="iw" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="$!rfc5424-sd" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="protocol" name="protocol-version" format="jsonf")
}
action(type="mmpstrucdata" sd_name.lowercase="off")
action(type="omfile" file="${join(dir, "out.jsonl")}" template="iw")
`,
  );
  return start(
    "rsyslog",
    dir,
    port,
    o.transport,
    bin,
    ["-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "rsyslogd.pid")],
    process.env,
  );
}

/**
 * syslog-ng -F: the `syslog()` source (RFC 5424, octet counting on streams, RFC 5425 TLS) or
 * `network()` (newline-framed, RFC 3164 headers), writing `$(format-json --scope rfc5424
 * --scope nv-pairs)`: `PRIORITY`, `FACILITY`, `HOST`, `PROGRAM`, `PID`, `MSGID`, `MESSAGE`,
 * the structured data under `_SDATA`, and `ISODATE`.
 */
export async function startSyslogNg(ng: NonNullable<ReturnType<typeof findSyslogNg>>, o: RealOptions): Promise<RealReceiver> {
  const dir = mkdtempSync(join(tmpdir(), "iw-syslog-ng-"));
  const port = await freePort();
  const t = o.tls;
  const tls =
    t === undefined
      ? ""
      : ` tls(key-file("${t.keyFile}") cert-file("${t.certFile}") ca-file("${t.caFile}") peer-verify(${t.requireClientCert ? "required-trusted" : "optional-untrusted"}))`;
  const driver = o.framing === "non-transparent" ? "network" : "syslog";
  writeFileSync(
    join(dir, "syslog-ng.conf"),
    `@version: ${ng.version}
options { stats_freq(0); keep_hostname(yes); use_dns(no); chain_hostnames(no); log_msg_size(65536); };
source s_iw { ${driver}(ip("127.0.0.1") port(${port}) transport("${o.transport}")${tls}); };
destination d_iw { file("${join(dir, "out.jsonl")}" template("$(format-json --scope rfc5424 --scope nv-pairs --key ISODATE)\\n")); };
log { source(s_iw); destination(d_iw); };
`,
  );
  const args = [
    "-F",
    "--no-caps",
    "-f",
    join(dir, "syslog-ng.conf"),
    "-R",
    join(dir, "persist"),
    "-p",
    join(dir, "pid"),
    "-c",
    join(dir, "ctl"),
    ...ng.args,
  ];
  return start("syslog-ng", dir, port, o.transport, ng.bin, args, ng.env);
}

/** Runs rsyslogd -n on a configuration of your own (written to `dir`). */
export function startRsyslogConfig(bin: string, dir: string, port: number, config: string): Promise<RealReceiver> {
  writeFileSync(join(dir, "rsyslog.conf"), `global(workDirectory="${dir}")\n${config}`);
  return start("rsyslog", dir, port, "tls", bin, ["-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "rsyslogd.pid")], process.env);
}

/** Runs syslog-ng -F on a configuration of your own (written to `dir`). */
export function startSyslogNgConfig(
  ng: NonNullable<ReturnType<typeof findSyslogNg>>,
  dir: string,
  port: number,
  config: string,
): Promise<RealReceiver> {
  writeFileSync(join(dir, "syslog-ng.conf"), config.replace(/^@version: .*$/m, `@version: ${ng.version}`));
  const args = [
    "-F",
    "--no-caps",
    "-f",
    join(dir, "syslog-ng.conf"),
    "-R",
    join(dir, "persist"),
    "-p",
    join(dir, "pid"),
    "-c",
    join(dir, "ctl"),
    ...ng.args,
  ];
  return start("syslog-ng", dir, port, "tls", ng.bin, args, ng.env);
}
