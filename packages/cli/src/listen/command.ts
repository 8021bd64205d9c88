import type { Command, CommandContext } from "../command.js";
import { stringList, stringValue } from "../command.js";
import { UsageError } from "../env-source.js";
import { parseDuration } from "../format.js";
import { EXIT_OK, EXIT_PROBLEM } from "../io.js";
import type { CollectorName, CollectorOptions, RunningCollector } from "./collectors.js";
import { COLLECTORS, DEFAULT_PORTS, startCollectors } from "./collectors.js";
import { arrivalLine, count, countLines, emptyCounts } from "./render.js";

/** How often the collectors are looked at for new arrivals. */
const POLL_MS = 50;

const portOptions = Object.fromEntries(
  COLLECTORS.map((c) => [
    `${c}-port`,
    { type: "string" as const, arg: "PORT", description: `${c}'s port (default ${DEFAULT_PORTS[c]}; 0: a free one)` },
  ]),
);

export const listenCommand: Command = {
  name: "listen",
  summary: "run local collectors (Logstash, Fluentd forward and in_http, webhook) and print the events that arrive",
  usage:
    "[logstash] [fluentd] [fluentd-http] [webhook] [--host ADDR] [--<collector>-port PORT]... [--shared-key KEY] [--secret whsec_...]... [--tls] [--count N] [--duration TIME] [--json]",
  description: [
    "For development: collectors that behave like the real ones (the @iw/testkit receivers) — a Logstash http input, a Fluentd in_forward (with the <security> handshake when --shared-key is given, TLS with --tls) and in_http, and a webhook receiver that checks Standard Webhooks signatures against --secret. Each event is printed as it arrives (JSON lines with --json); refused requests (a bad signature, wrong credentials, a failed handshake) are printed with the reason. Ctrl-C stops and prints a count per event type. Names the collectors to run (default: all). The lines printed at start say which variables point a host at them.",
    "--tls serves Logstash, in_forward and the webhook over TLS with a throw-away CA (written to a temporary file whose path is printed: set it as IW_*_CA_FILE); in_http stays plain http.",
  ],
  options: {
    host: { type: "string", arg: "ADDR", description: "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)" },
    ...portOptions,
    "shared-key": { type: "string", arg: "KEY", description: "in_forward asks for the <security> handshake with this shared key" },
    secret: {
      type: "string",
      multiple: true,
      arg: "whsec_...",
      description: "the webhook receiver accepts only requests signed with this secret",
    },
    tls: { type: "boolean", description: "serve over TLS with a throw-away CA" },
    count: { type: "string", arg: "N", description: "stop after N events (exit 1 if --duration ends first)" },
    duration: { type: "string", arg: "TIME", description: "stop after this long (5s, 2m)" },
  },
  variables: () =>
    Promise.resolve(["none of the IW_* variables (it prints the ones to set on the host)", "NO_COLOR, FORCE_COLOR   colours"]),
  exit: [
    "0  stopped (Ctrl-C, --duration, or --count reached)",
    "1  a collector could not start (port in use), or --count was not reached",
    "2  a wrong command line",
  ],
  run,
};

async function run(ctx: CommandContext): Promise<number> {
  const names = collectorNames(ctx.positionals);
  const count_ = positiveInt(stringValue(ctx, "count"), "--count");
  const durationText = stringValue(ctx, "duration");
  const durationMs = durationText === undefined ? undefined : parseDuration(durationText);
  if (durationText !== undefined && durationMs === undefined)
    throw new UsageError(`--duration ${JSON.stringify(durationText)}: expected a duration such as 30s or 2m`);
  const ports = Object.fromEntries(COLLECTORS.map((c) => [c, portOf(stringValue(ctx, `${c}-port`), c)])) as Record<CollectorName, number>;
  const tls = ctx.values["tls"] === true ? await throwAwayTls() : undefined;
  const options: CollectorOptions = {
    host: stringValue(ctx, "host") ?? "127.0.0.1",
    ports,
    sharedKey: stringValue(ctx, "shared-key"),
    secrets: stringList(ctx, "secret"),
    tls,
  };
  let started: Awaited<ReturnType<typeof startCollectors>>;
  try {
    started = await startCollectors(names, options);
  } catch (err) {
    await tls?.files.cleanup();
    ctx.out.note(`iw-sinks listen: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_PROBLEM;
  }
  const { out } = ctx;
  const p = out.paint;
  announce(ctx, started.collectors, options);
  const counts = emptyCounts();
  const reached = await new Promise<boolean>((resolve) => {
    const stop = (done: boolean): void => {
      clearInterval(poll);
      clearTimeout(timer);
      ctx.io.signal?.removeEventListener("abort", onAbort);
      resolve(done);
    };
    const onAbort = (): void => {
      drain();
      stop(count_ === undefined);
    };
    const drain = (): boolean => {
      for (const c of started.collectors) {
        for (const a of c.take()) {
          count(counts, a);
          if (ctx.json)
            out.json(
              a.kind === "event"
                ? {
                    type: "event",
                    collector: a.collector,
                    at: new Date().toISOString(),
                    ...(a.tag === undefined ? {} : { tag: a.tag }),
                    event: a.event,
                  }
                : { type: "refused", collector: a.collector, status: a.status ?? null, reason: a.reason },
            );
          else out.line(arrivalLine(a, p));
        }
      }
      return count_ !== undefined && counts.events >= count_;
    };
    const poll = setInterval(() => {
      if (drain()) stop(true);
    }, POLL_MS);
    const timer = durationMs === undefined ? undefined : setTimeout(() => stop(drain() || count_ === undefined), durationMs);
    if (ctx.io.signal?.aborted === true) onAbort();
    else ctx.io.signal?.addEventListener("abort", onAbort, { once: true });
  });
  await started.close();
  await tls?.files.cleanup();
  if (ctx.json) out.json({ type: "counts", ...counts });
  else {
    out.line();
    for (const l of countLines(counts, p)) out.line(l);
  }
  return reached ? EXIT_OK : EXIT_PROBLEM;
}

function announce(ctx: CommandContext, collectors: readonly RunningCollector[], o: CollectorOptions): void {
  const { out } = ctx;
  if (ctx.json) {
    for (const c of collectors) out.json({ type: "listening", collector: c.name, url: c.url, env: c.env });
    return;
  }
  const p = out.paint;
  out.line(p.bold("listening (Ctrl-C to stop and count); point a host here with:"));
  const width = Math.max(...collectors.map((c) => c.name.length));
  for (const c of collectors) {
    const env = Object.entries(c.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    out.line(`  ${c.name.padEnd(width)}  ${p.cyan(env)}`);
  }
  const notes = [
    o.sharedKey === undefined ? undefined : "in_forward asks for the <security> handshake (IW_FLUENTD_SHARED_KEY = the --shared-key given)",
    collectors.some((c) => c.name === "webhook")
      ? o.secrets.length === 0
        ? "the webhook receiver does not check signatures (--secret to check them)"
        : "the webhook receiver refuses requests not signed with --secret (IW_WEBHOOK_SECRET)"
      : undefined,
    o.tls === undefined ? undefined : `TLS with a throw-away CA (${o.tls.files.caFile}), certificate for localhost, 127.0.0.1 and ::1`,
  ].filter((n): n is string => n !== undefined);
  for (const n of notes) out.line(p.dim(`  ${n}`));
}

function collectorNames(positionals: readonly string[]): CollectorName[] {
  if (positionals.length === 0) return [...COLLECTORS];
  for (const name of positionals) {
    if (!(COLLECTORS as readonly string[]).includes(name))
      throw new UsageError(`unknown collector ${JSON.stringify(name)}; collectors: ${COLLECTORS.join(", ")}`);
  }
  return [...new Set(positionals as CollectorName[])];
}

function portOf(text: string | undefined, c: CollectorName): number {
  if (text === undefined) return DEFAULT_PORTS[c];
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--${c}-port ${JSON.stringify(text)}: expected a port from 0 to 65535`);
  return n;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a whole number above 0`);
  return Number(text);
}

async function throwAwayTls(): Promise<NonNullable<CollectorOptions["tls"]>> {
  const { generateTestCertificates, writeTestCertificates } = await import("@iw/testkit");
  const certs = await generateTestCertificates();
  const files = await writeTestCertificates(certs, "iw-sinks-listen-");
  return { cert: certs.server.cert, key: certs.server.key, files };
}
