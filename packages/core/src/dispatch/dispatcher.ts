import { DEFAULT_FLUSH_TIMEOUT_MS, DeliveryQueue, unwatchExit, watchExit, estimateSize, timerDelay } from "../delivery/index.js";
import type { ExitParticipant, SinkStats, QueueOptions, QueueStateChange, QueueSpool } from "../delivery/index.js";
import { maskKnownSecrets, IwError, toLogger } from "../diagnostics/index.js";
import type { Logger } from "../diagnostics/index.js";
import type { Dispatcher, SinkTestReport } from "./dispatcher-types.js";
import { selectTestEvents, uuidv7 } from "../events/index.js";
import type { IwEvent } from "../events/index.js";
import type { Sink } from "../sink/index.js";
import { lifecycleEventFor, sinkActivatedEvent } from "./lifecycle.js";
import { TrafficSummary } from "./summary.js";

/** Deadline of `Dispatcher.test()` per sink when none is given. @default 10_000 */
export const DEFAULT_TEST_TIMEOUT_MS = 10_000;

/** One destination of a dispatcher: the sink, which events it gets, and its delivery policy. */
export interface Route {
  readonly sink: Sink;
  /** The sink's event filter (`IW_<PREFIX>_EVENTS`). Must not throw; if it does, the event is skipped. @default every event */
  readonly accepts?: (event: IwEvent) => boolean;
  /** The sink's queue options (`IW_<PREFIX>_BATCH_SIZE`, …). @default DEFAULT_QUEUE_OPTIONS */
  readonly queue?: Partial<QueueOptions>;
  /** Applied to each event just before it is sent (redaction). Must not mutate its input. */
  readonly transform?: (event: IwEvent) => IwEvent;
}

/**
 * A route as activation builds it: with the sink's disk spool (opened from `IW_SPOOL_DIR`; the
 * queue closes it). Internal: hosts that build routes themselves have no spool.
 */
export interface SpooledRoute extends Route {
  readonly spool?: QueueSpool;
}

/** Options of `createDispatcher`. */
export interface DispatcherOptions {
  /**
   * Where problems are reported, the dispatcher's and its queues'; a pino, winston or `console`
   * logger is adapted ({@link toLogger}). @default silentLogger
   */
  readonly logger?: Logger;
  /**
   * Emit a traffic summary (`log_type: "summary"`) this often; 0 turns it off. The last partial
   * interval is summarised on `close()` when it saw any scan. @default 0 — `IW_SUMMARY_INTERVAL_S`
   * (activate's default: one hour)
   */
  readonly summaryIntervalMs?: number;
  /** `service` / `host` set on the events the dispatcher makes itself (summary, lifecycle). */
  readonly eventFields?: { readonly service?: string; readonly host?: string };
  /**
   * Send lifecycle audit events (`sink_activated` at creation, `sink_disabled`,
   * `sink_recovered`) to the *other* destinations, so a dead destination is reported through a
   * live one. @default false (activate's default: true)
   */
  readonly lifecycleEvents?: boolean;
  /**
   * When the event loop empties while events are still held (the host never called `close()`),
   * flush them, keeping the process up at most this long; and when the process exits with
   * events undelivered, log one line with their count. 0 turns both off.
   * @default 5000 — `IW_EXIT_FLUSH_MS`
   */
  readonly exitFlushMs?: number;
  /** Source of randomness for backoff jitter (tests pin it). @default Math.random */
  readonly random?: () => number;
  /** Called once when `close()` has finished (activation releases what it registered). @default none */
  readonly onClose?: () => void;
}

/** How long the exit flush may keep a process up. @default 5000 */
export const DEFAULT_EXIT_FLUSH_MS = 5000;

interface Live {
  readonly sink: Sink;
  readonly queue: DeliveryQueue;
  readonly accepts: (event: IwEvent) => boolean;
}

/** The dispatcher of a host with no active sink: every method is a no-op. */
export const NOOP_DISPATCHER: Dispatcher = Object.freeze({
  enabled: false,
  sinks: Object.freeze([]),
  emit(): void {},
  test: (): Promise<SinkTestReport[]> => Promise.resolve([]),
  stats: (): SinkStats[] => [],
  flush: (): Promise<boolean> => Promise.resolve(true),
  close: (): Promise<boolean> => Promise.resolve(true),
});

/**
 * Builds one delivery queue per route and fans each emitted event out, by reference, to the
 * queue of every route whose filter accepts it (its size estimated once, for every budget).
 * `emit` is synchronous and never throws: a malformed event (not an object, no `log_type`) is
 * counted as dropped `malformed` on every sink. In development (`NODE_ENV=development`) emitted
 * events are frozen, so a host that mutates an event after emitting it finds out at once.
 *
 * @throws IwConfigError when a route's queue options are nonsense.
 */
export function createDispatcher(routes: readonly Route[], options: DispatcherOptions = {}): Dispatcher {
  return dispatcherFor(routes, options);
}

/** {@link createDispatcher} for activation, whose routes may have a spool. */
export function dispatcherFor(routes: readonly SpooledRoute[], options: DispatcherOptions = {}): Dispatcher {
  if (routes.length === 0) return NOOP_DISPATCHER;
  const logger = toLogger(options.logger);
  const freeze = process.env["NODE_ENV"] === "development";
  const fields = options.eventFields ?? {};
  const withFields = <T extends IwEvent>(e: T): T => ({ ...e, ...fields });
  let warnedMalformed = false;
  let closing: Promise<boolean> | undefined;
  let flushing: Promise<boolean> | undefined;
  const outages = new Map<string, number>();
  const onStateChange = (change: QueueStateChange): void => {
    if (change.to === "backoff" && !outages.has(change.sink)) outages.set(change.sink, Date.now());
    const event = lifecycleEventFor(change, outages.get(change.sink));
    if (change.to !== "backoff") outages.delete(change.sink);
    if (event) fanOut(withFields(event), change.sink);
  };
  const list: Live[] = routes.map((route) => ({
    sink: route.sink,
    accepts: route.accepts ?? acceptAll,
    queue: new DeliveryQueue(route.sink, route.queue ?? {}, {
      logger,
      ...(route.transform === undefined ? {} : { transform: route.transform }),
      ...(route.spool === undefined ? {} : { spool: route.spool }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.lifecycleEvents === true ? { onStateChange } : {}),
    }),
  }));

  const malformed = (why: string): void => {
    for (const route of list) route.queue.recordDropped("malformed");
    if (!warnedMalformed) {
      warnedMalformed = true;
      safeLog(logger, `[iw] emit() got a malformed event (${why}); it was dropped (further ones are only counted)`);
    }
  };

  /** Pushes to every route that accepts the event, except the sink named `except`. */
  function fanOut(event: IwEvent, except?: string): void {
    let size = -1;
    for (let i = 0; i < list.length; i++) {
      const route = list[i]!;
      if (route.sink.name === except) continue;
      let accepted = false;
      try {
        accepted = route.accepts(event);
      } catch {
        // A field the filter reads threw (a hostile getter): counted, not silently skipped.
        route.queue.recordDropped("malformed");
        continue;
      }
      if (!accepted) continue;
      if (size < 0) size = sizeOf(event);
      route.queue.push(event, size);
    }
  }

  const summaryMs = options.summaryIntervalMs ?? 0;
  const summary = summaryMs > 0 ? new TrafficSummary() : undefined;
  const emitSummary = (): void => {
    try {
      if (summary) fanOut(summary.take(Date.now(), fields));
    } catch {
      // A summary is a convenience; never let it disturb the host.
    }
  };
  const summaryTimer = summary ? setInterval(emitSummary, summaryMs) : undefined;
  summaryTimer?.unref();

  if (options.lifecycleEvents === true) {
    for (const route of list) fanOut(withFields(sinkActivatedEvent(route.sink.name)), route.sink.name);
  }

  const flush = (timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> => {
    flushing ??= all(list.map((r) => r.queue.flush(timeoutMs))).finally(() => (flushing = undefined));
    return flushing;
  };
  const exit: ExitParticipant = {
    exitFlushMs: options.exitFlushMs ?? DEFAULT_EXIT_FLUSH_MS,
    pending: () => list.reduce((n, r) => n + r.queue.pending, 0),
    flush,
    report(undelivered) {
      const held = list.filter((r) => r.queue.pending > 0);
      const per = held.map((r) => `${r.sink.name}: ${r.queue.pending}${r.queue.spooling ? " kept in its spool" : ""}`).join(", ");
      const all = held.every((r) => r.queue.spooling);
      const what = all ? "undelivered, kept in the spool for the next start (all but the last IW_SPOOL_FLUSH_MS)" : "undelivered";
      safeLog(
        logger,
        `[iw] process exiting with ${undelivered} event${undelivered === 1 ? "" : "s"} ${what} (${per}); await dispatcher.close() before exiting to deliver them`,
      );
    },
  };
  if (exit.exitFlushMs > 0) watchExit(exit);

  return {
    enabled: true,
    sinks: Object.freeze(list.map((r) => r.sink.name)),
    emit(event: IwEvent): void {
      try {
        if (typeof event !== "object" || event === null) return malformed(`not an object: ${typeof event}`);
        const type = (event as { log_type?: unknown }).log_type;
        if (type !== "scan" && type !== "audit" && type !== "summary") return malformed(`log_type ${JSON.stringify(type) ?? "missing"}`);
        if (freeze) Object.freeze(event);
        if (summary !== undefined && type === "scan") {
          try {
            summary.observe(event);
          } catch (err) {
            // Its fields cannot be read: no sink could serialize it either.
            return malformed(`a field could not be read: ${err instanceof Error ? err.name : typeof err}`);
          }
        }
        fanOut(event);
      } catch {
        // Never reach the host: the request path must not fail because of shipping.
      }
    },
    test: (timeoutMs = DEFAULT_TEST_TIMEOUT_MS) => Promise.all(list.map((route) => testRoute(route, timeoutMs))),
    stats: () => list.map((r) => r.queue.stats()),
    flush,
    close(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
      if (closing === undefined) {
        if (summaryTimer !== undefined) clearInterval(summaryTimer);
        if (summary?.pending()) emitSummary();
        closing = all(list.map((r) => r.queue.close(timeoutMs))).finally(() => {
          unwatchExit(exit);
          options.onClose?.();
        });
      }
      return closing;
    },
  };
}

const acceptAll = (): boolean => true;

/** The event's estimated size, once for every queue; a hostile getter costs a default size, not a crash. */
function sizeOf(event: IwEvent): number {
  try {
    return estimateSize(event);
  } catch {
    return 1024;
  }
}

/** Sends the route's `[Test message]` events straight to the sink (no queue, no retry). */
async function testRoute(route: Live, timeoutMs: number): Promise<SinkTestReport> {
  const sink = route.sink;
  const started = performance.now();
  const report = (ok: boolean, events: number, error?: string): SinkTestReport => ({
    sink: sink.name,
    ok,
    // A sink's message may quote a credential (a collector echoing the request).
    ...(error === undefined ? {} : { error: maskKnownSecrets(error) }),
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    events,
  });
  const events = selectTestEvents(route.accepts);
  if (events.length === 0) return report(false, 0, "this sink's event filter accepts no test event");
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<{ status: "timeout" }>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new IwError("IW_SEND_TIMEOUT", `${sink.name}: no answer within ${timeoutMs} ms`));
      resolve({ status: "timeout" });
    }, timerDelay(timeoutMs)); // ref'd: the caller is awaiting this bounded test (Infinity waits, not 1 ms)
  });
  try {
    const result = await Promise.race([sink.send(events, { signal: controller.signal, attempt: 1, batchId: uuidv7() }), deadline]);
    if (result.status === "success") return report(true, events.length);
    if (result.status === "timeout") return report(false, events.length, `no answer within ${timeoutMs} ms`);
    return report(false, events.length, `${result.status}: ${result.error?.message ?? "no error given"}`);
  } catch (err) {
    return report(false, events.length, `send threw: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function all(promises: Promise<boolean>[]): Promise<boolean> {
  const results = await Promise.all(promises.map((p) => p.catch(() => false)));
  return results.every(Boolean);
}

function safeLog(logger: Logger, message: string): void {
  try {
    logger.warn(message);
  } catch {
    // ignore a broken logger
  }
}
