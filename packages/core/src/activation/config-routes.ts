import { join } from "node:path";
import { resolveOptions } from "../delivery/index.js";
import type { QueueSpool } from "../delivery/index.js";
import type { GlobalConfig } from "./config-parse.js";
import type { SpooledRoute } from "../dispatch/index.js";
import type { Env } from "./env-instances.js";
import { findInstances, instanceSinkName, splitActivating } from "./env-instances.js";
import { maskKnownSecrets } from "../diagnostics/index.js";
import type { IwError, Logger } from "../diagnostics/index.js";
import { IwPluginError } from "./plugins.js";
import { createRedactor, needsProcessKey } from "./redact.js";
import type { Sink, SinkPlugin } from "../sink/index.js";

/**
 * Parses every instance of every activated plugin (loading zod), then, unless `create()` says
 * no (strict mode with errors), builds each valid one's sink and queue. A sink whose variables
 * are bad stays off; so does every sink when a global redaction variable is bad (fail closed:
 * never ship unredacted by accident).
 */
export async function buildRoutes(
  plugins: readonly SinkPlugin<unknown>[],
  env: Env,
  logger: Logger,
  report: (e: IwError) => void,
  create: () => boolean,
  options: { readonly spoolDir?: string | undefined } = {},
): Promise<BuiltRoutes> {
  const cfg = await import("./config-parse.js");
  const global = cfg.parseGlobal(env);
  for (const e of global.errors) report(e);
  const valid = [];
  for (const plugin of plugins) {
    const { instances, ignored } = findInstances(env, plugin.env, cfg.pluginVariables(plugin));
    for (const v of ignored) {
      log(
        logger,
        "warn",
        `${v} is not read as a named instance of ${plugin.name}: its name is the first word of one of the sink's option names; choose another name`,
      );
    }
    for (const inst of instances) {
      const name = instanceSinkName(plugin.name, inst.instance);
      const parsed = await cfg.parseInstance(plugin, inst);
      if (!parsed.ok) {
        for (const e of parsed.errors) report(e);
        log(logger, "warn", `sink ${name} stays off: its configuration is invalid`, { sink: name });
      } else if (global.config === undefined) {
        log(logger, "warn", `sink ${name} stays off: the global redaction settings are invalid`, { sink: name });
      } else {
        valid.push({ plugin, inst, name, parsed, global: global.config });
      }
    }
  }
  const spoolDir = options.spoolDir ?? global.config?.spool.dir;
  const settings = {
    summaryIntervalS: global.config?.summaryIntervalS ?? 0,
    service: global.config?.service,
    exitFlushMs: global.config?.exitFlushMs ?? 5000,
  };
  if (!create()) return { routes: [], ...settings };
  const routes: SpooledRoute[] = [];
  let warnedKey = false;
  for (const { plugin, inst, name, parsed, global: g } of valid) {
    const sinkLogger = withFields(logger, { sink: name });
    const redact = {
      mode: parsed.generic.redact ?? g.redact,
      fields: parsed.generic.redactFields ?? g.redactFields,
      ...(g.redactKey === undefined ? {} : { key: g.redactKey }),
    };
    let sink: Sink;
    let transform: ReturnType<typeof createRedactor>;
    try {
      const envPrefix = splitActivating(inst.activating).prefix;
      resolveOptions(name, parsed.generic.queue); // a bad combination fails here, before the sink opens anything
      sink = renamed(plugin.create(parsed.options, { logger: sinkLogger, env: inst.env, sinkName: name, envPrefix }), name);
      transform = createRedactor(redact);
    } catch (err) {
      const why = maskKnownSecrets(err instanceof Error ? err.message : String(err));
      report(
        new IwPluginError(
          "IW_PLUGIN_INVALID",
          `${inst.activating}: the ${plugin.name} sink could not be created: ${why}`,
          inst.activating,
          err,
        ),
      );
      continue;
    }
    if (needsProcessKey(redact) && !warnedKey) {
      warnedKey = true;
      log(
        logger,
        "warn",
        "IW_REDACT_KEY is not set: hash redaction uses a random per-process key, so hashes correlate within this process only",
      );
    }
    const spoolCfg = spoolDir === undefined ? undefined : { ...g.spool, dir: spoolDir };
    const spool = spoolCfg === undefined || !parsed.generic.spool ? undefined : await openSinkSpool(name, spoolCfg, sinkLogger);
    routes.push({
      sink,
      queue: parsed.generic.queue,
      accepts: parsed.generic.filter.accepts,
      ...(transform === undefined ? {} : { transform }),
      ...(spool === undefined ? {} : { spool }),
    });
    log(logger, "info", `sink ${name} active (events: ${parsed.generic.filter.text}, redact: ${redactText(redact)})`, { sink: name });
    if (redact.mode === "off") {
      log(
        logger,
        "warn",
        `sink ${name} ships scan logs unredacted (redact: off): matches.matched_text holds users' own words, including the secrets and personal data the firewall detected`,
        { sink: name },
      );
    }
  }
  return { routes, ...settings };
}

/** `mask (matches.matched_text)`: the mode and the fields it rewrites, as the start line shows them. */
function redactText(redact: { readonly mode: string; readonly fields: readonly string[] }): string {
  return redact.mode === "off" ? "off" : `${redact.mode} (${redact.fields.join(",")})`;
}

/** The routes, and the process-wide settings the dispatcher needs. */
export interface BuiltRoutes {
  readonly routes: SpooledRoute[];
  /** `IW_SUMMARY_INTERVAL_S`; 0 = off. */
  readonly summaryIntervalS: number;
  /** `IW_SERVICE_NAME`. */
  readonly service: string | undefined;
  /** `IW_EXIT_FLUSH_MS`. */
  readonly exitFlushMs: number;
}

/**
 * Opens a sink's spool in its own subfolder of the spool directory. The spool module is loaded
 * only here, so a host without `IW_SPOOL_DIR` never loads it. A spool that cannot be opened
 * (locked by another process, unwritable) is one clear line, and the sink runs in memory.
 */
async function openSinkSpool(name: string, cfg: GlobalConfig["spool"] & { dir: string }, logger: Logger): Promise<QueueSpool | undefined> {
  const dir = join(cfg.dir, name.replace(/[^A-Za-z0-9_.-]/g, "-"));
  try {
    const { openSpool } = await import("../spool/index.js");
    // The queue tells a failure at run time in one line of its own (with the spool's reason and
    // what it does about it): the spool's own error line is kept for debugging only.
    const quiet: Logger = { ...logger, error: (m, f) => logger.debug(m, f) };
    const listeners: (() => void)[] = [];
    const onFailure = (): void => {
      for (const listener of listeners.splice(0)) listener();
    };
    const opened = await openSpool({ dir, maxBytes: cfg.maxBytes, flushMs: cfg.flushMs, sync: cfg.sync, logger: quiet, onFailure });
    const spool: QueueSpool = Object.assign(opened, { onFailure: (listener: () => void) => void listeners.push(listener) });
    log(logger, "info", `sink ${name} spools to ${dir} (sync: ${cfg.sync})`, { sink: name });
    return spool;
  } catch (err) {
    const why = maskKnownSecrets(err instanceof Error ? err.message : String(err));
    log(logger, "error", `sink ${name}: the spool in ${dir} cannot be used, so this sink keeps its events in memory only: ${why}`, {
      sink: name,
      code: (err as { code?: unknown }).code,
    });
    return undefined;
  }
}

/** A sink under another name (a named instance), delegating so `#private` fields keep working. */
function renamed(sink: Sink, name: string): Sink {
  if (sink.name === name) return sink;
  const prepare = sink.prepare?.bind(sink);
  return { name, ...(prepare === undefined ? {} : { prepare }), send: (batch, ctx) => sink.send(batch, ctx), close: () => sink.close() };
}

/** A logger that adds `fields` to every line. */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const merge = (f?: Record<string, unknown>) => (f === undefined ? fields : { ...fields, ...f });
  return {
    debug: (m, f) => logger.debug(m, merge(f)),
    info: (m, f) => logger.info(m, merge(f)),
    warn: (m, f) => logger.warn(m, merge(f)),
    error: (m, f) => logger.error(m, merge(f)),
  };
}

function log(logger: Logger, level: keyof Logger, message: string, fields?: Record<string, unknown>): void {
  try {
    logger[level](message, fields);
  } catch {
    // A broken logger must not break activation.
  }
}
