import { Agent, request } from "undici";
import type { Deadline } from "./deadline.js";
import { DeadlineError } from "./deadline.js";
import type { Destination } from "./destinations.js";
import type { CheckStep, StepStatus } from "./step.js";
import { describeNetworkError, since } from "./step.js";

type HttpDestination = Extract<Destination, { kind: "http" }>;

/**
 * One HTTP request that creates no event: an empty JSON array to Logstash (its json codec makes
 * nothing of it), `OPTIONS` elsewhere. It goes through undici as the sink's requests do, with the
 * sink's TLS settings and credentials.
 */
export async function httpStep(d: HttpDestination, deadline: Deadline): Promise<CheckStep> {
  const started = performance.now();
  const tls = d.tls;
  // undici's own timers run past the deadline: the deadline decides, with one message.
  const slack = deadline.remaining() + 1000;
  const agent = new Agent({
    connect: {
      timeout: slack,
      ...(tls === undefined
        ? {}
        : {
            rejectUnauthorized: tls.verify,
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
          }),
    },
    headersTimeout: slack,
    bodyTimeout: slack,
  });
  const target = new URL(d.url.href);
  target.username = "";
  target.password = "";
  target.hash = "";
  const what = d.probe.body === undefined ? d.probe.method : `${d.probe.method} []`;
  try {
    const res = await deadline.race(
      request(target, {
        method: d.probe.method,
        headers: d.probe.headers,
        body: d.probe.body ?? null,
        dispatcher: agent,
        signal: deadline.signal,
      }),
      `${what}: no HTTP answer`,
    );
    await res.body.dump({ limit: 16 * 1024 }).catch(() => undefined);
    const { status, detail } = judge(d, res.statusCode, res.headers["location"]);
    return { check: "http", status, detail: `${what} → ${res.statusCode}: ${detail}`, ms: since(started) };
  } catch (err) {
    const why = err instanceof DeadlineError ? err.message : `${what}: ${describeNetworkError(err)}`;
    return { check: "http", status: "fail", detail: why, ms: since(started) };
  } finally {
    void agent.destroy().catch(() => undefined);
  }
}

function judge(d: HttpDestination, code: number, location: string | string[] | undefined): { status: StepStatus; detail: string } {
  const creds = d.probe.credentials;
  if (d.probe.expect === "logstash") {
    if (code >= 200 && code < 300) return { status: "ok", detail: "accepted an empty batch (no event is created)" };
    if (code === 401 || code === 403) return { status: "fail", detail: `the credentials were refused: check ${creds}` };
    if (code === 429) return { status: "warn", detail: "busy: Logstash's queue is full (events wait and are retried)" };
    if (code === 404 || code === 405)
      return { status: "fail", detail: "not a Logstash http input (it answers every path and method): is something else on this port?" };
    return { status: "fail", detail: code >= 500 ? "the server failed (events would be retried)" : "refused the request" };
  }
  if (code === 401 || code === 403) {
    return {
      status: "warn",
      detail: `refused an unsigned ${d.probe.method}: expected if it checks signatures; otherwise check ${creds}. \`iw-sinks test\` sends a real, signed test event`,
    };
  }
  if (code >= 300 && code < 400)
    return {
      status: "warn",
      detail: `redirects${typeof location === "string" ? ` to ${location.split("?")[0] ?? ""}` : ""}; the sink does not follow redirects, so a POST there would fail: use the final URL`,
    };
  if (code === 404) return { status: "warn", detail: "no such path here: is the URL's path right?" };
  if (code >= 500) return { status: "warn", detail: `reachable, but the server failed an ${d.probe.method}` };
  return { status: "ok", detail: "reachable (any answer to OPTIONS shows the endpoint is up)" };
}
