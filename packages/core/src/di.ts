/*
 * tsyringe integration (`@iw/core/di`). Only types come from tsyringe: this module loads nothing
 * at run time besides @iw/core itself, and hosts that do not use a container never import it.
 * Library classes stay decorator-free; everything is registered with `useValue`/`useFactory`.
 * tsyringe itself needs `import "reflect-metadata"` once in the host, before tsyringe.
 */
import type { DependencyContainer, InjectionToken } from "tsyringe";
import { activate } from "./activation/index.js";
import type { ActivateOptions } from "./activation/index.js";
import type { Dispatcher } from "./dispatch/index.js";
import type { IwEvent } from "./events/index.js";
import type { Logger } from "./diagnostics/index.js";
import type { SinkStats } from "./delivery/index.js";

/** The host's {@link Dispatcher}. */
export const IW_DISPATCHER: InjectionToken<Dispatcher> = Symbol.for("@iw/core:Dispatcher");
/** `(event) => void`: the dispatcher's `emit`, bound, for code that only emits. */
export const IW_EMIT: InjectionToken<(event: IwEvent) => void> = Symbol.for("@iw/core:emit");
/** A fresh per-sink stats snapshot on every resolve (a `useFactory` registration). */
export const IW_SINK_STATS: InjectionToken<SinkStats[]> = Symbol.for("@iw/core:SinkStats");
/**
 * The logger used by activation and the sinks. Register your own under this token before
 * {@link registerIwSinks} to route @iw diagnostics into the host's logging.
 */
export const IW_LOGGER: InjectionToken<Logger> = Symbol.for("@iw/core:Logger");

/** Options of {@link registerIwSinks}: those of `activate()`. */
export type RegisterIwSinksOptions = ActivateOptions;

/**
 * Activates the sinks (as `activate()` does) and registers the result in `container`:
 * {@link IW_DISPATCHER} and {@link IW_EMIT} as values, {@link IW_SINK_STATS} as a factory, and
 * {@link IW_LOGGER} when the container had none. A logger registered under `IW_LOGGER` is used
 * unless `options.logger` is given. Close the dispatcher on shutdown (`await d.close()`): the
 * container does not own it.
 *
 * @returns the dispatcher (also resolvable from the container).
 */
export async function registerIwSinks(container: DependencyContainer, options: RegisterIwSinksOptions = {}): Promise<Dispatcher> {
  const logger = options.logger ?? (container.isRegistered(IW_LOGGER, true) ? container.resolve(IW_LOGGER) : undefined);
  const dispatcher = await activate(logger === undefined ? options : { ...options, logger });
  registerIwDispatcher(container, dispatcher);
  if (logger !== undefined && !container.isRegistered(IW_LOGGER, true)) container.register(IW_LOGGER, { useValue: logger });
  return dispatcher;
}

/** Registers an already activated dispatcher under {@link IW_DISPATCHER}, {@link IW_EMIT} and {@link IW_SINK_STATS}. */
export function registerIwDispatcher(container: DependencyContainer, dispatcher: Dispatcher): void {
  container.register(IW_DISPATCHER, { useValue: dispatcher });
  container.register(IW_EMIT, { useValue: (event: IwEvent) => dispatcher.emit(event) });
  container.register(IW_SINK_STATS, { useFactory: (c) => c.resolve(IW_DISPATCHER).stats() });
}
