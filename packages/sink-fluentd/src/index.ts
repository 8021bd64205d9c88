/*
 * @iw/sink-fluentd: what a host or a user of the sink needs. `IW_FLUENTD_URL` activates the
 * plugin through `activate()`; `createFluentdSink` builds the sink in code (forward protocol or
 * in_http, by the URL's scheme). The encoders, connections and the options definition are internal:
 * tests import them by relative path.
 */
import { plugin } from "./plugin.js";

export { plugin };
export { createFluentdSink } from "./create.js";
export type { FluentdSinkOptions } from "./options.js";

/** The plugin, as the default export (for `IW_SINK_PLUGINS` and `import()`). */
export default plugin;
