/**
 * Fan-out from the host to the sinks: `createDispatcher` (filter per route, one `DeliveryQueue`
 * each, flush/close/test, the exit flush), the `Dispatcher` the host holds, the lifecycle audit
 * events about sinks (activated, disabled, recovered) and the periodic traffic summary.
 */
export { createDispatcher, dispatcherFor, NOOP_DISPATCHER, DEFAULT_TEST_TIMEOUT_MS, DEFAULT_EXIT_FLUSH_MS } from "./dispatcher.js";
export type { Route, SpooledRoute, DispatcherOptions } from "./dispatcher.js";
export type { Dispatcher, SinkTestReport } from "./dispatcher-types.js";
export { lifecycleEventFor, sinkActivatedEvent } from "./lifecycle.js";
export { TrafficSummary, DEFAULT_TOP_SIGNATURES } from "./summary.js";
