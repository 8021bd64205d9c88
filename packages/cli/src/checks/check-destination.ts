import { isIP } from "node:net";
import type { Socket } from "node:net";
import type { Deadline } from "./deadline.js";
import type { Destination } from "./destinations.js";
import { handshakeStep } from "./fluentd-handshake.js";
import { httpStep } from "./http-probe.js";
import { connectStep, dnsStep, tlsStep } from "./net.js";
import type { CheckStep, DestinationReport } from "./step.js";

/**
 * Checks one destination step by step — DNS, TCP connect, TLS, then the protocol (an HTTP
 * request that creates no event, or the Fluentd handshake) — stopping at the first failure,
 * all within `deadline`.
 */
export async function checkDestination(d: Destination, deadline: Deadline): Promise<DestinationReport> {
  const steps: CheckStep[] = [];
  const done = (note?: string): DestinationReport => ({
    target: d.label,
    ok: steps.every((s) => s.status !== "fail"),
    steps,
    ...(note === undefined ? {} : { note }),
  });
  let socket: Socket | undefined;
  try {
    if (d.kind === "unix") {
      const c = await connectStep({ path: d.path }, deadline);
      steps.push(c.step);
      if (c.socket === undefined) return done();
      socket = c.socket;
      steps.push(await handshakeStep(socket, d.handshake, deadline));
      return done();
    }
    if (d.kind === "resolve") {
      if (isIP(d.host) === 0) steps.push((await dnsStep(d.host, deadline)).step);
      return done(d.note);
    }
    const host = d.kind === "http" ? d.url.hostname.replace(/^\[(.*)\]$/, "$1") : d.host;
    const port = d.kind === "http" ? Number(d.url.port || (d.url.protocol === "https:" ? 443 : 80)) : d.port;
    let address = host;
    if (isIP(host) === 0) {
      const r = await dnsStep(host, deadline);
      steps.push(r.step);
      if (r.address === undefined) return done();
      address = r.address;
    }
    const c = await connectStep({ host, address, port }, deadline);
    steps.push(c.step);
    if (c.socket === undefined) return done();
    socket = c.socket;
    if (d.tls !== undefined) {
      const t = await tlsStep(socket, host, d.tls, deadline);
      steps.push(t.step);
      if (t.socket === undefined || t.step.status === "fail") return done();
      socket = t.socket;
    }
    if (d.kind === "forward") steps.push(await handshakeStep(socket, d.handshake, deadline));
    if (d.kind === "http") {
      // The request goes through undici as the sink's do: a connection of its own.
      socket.destroy();
      socket = undefined;
      steps.push(await httpStep(d, deadline));
    }
    return done(d.kind === "connect" ? d.note : undefined);
  } finally {
    socket?.destroy();
  }
}
