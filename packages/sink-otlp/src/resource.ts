import { createRequire } from "node:module";
import { hostname } from "node:os";

/** The resource of a batch's records, as the OTLP serializer reads it. */
export interface OtlpResource {
  readonly attributes: Readonly<Record<string, string>>;
}

/** This package's version, for `telemetry.sdk.version` (package.json sits above `src/` and `dist/`). */
export const SINK_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

/** The instrumentation scope of every record: this package. */
export const SCOPE = Object.freeze({ name: "@iw/sink-otlp", version: SINK_VERSION });

const MAX_CACHED = 64;

/**
 * Builds and keeps the resource of each (service, host) pair the events carry: the serializer
 * groups records by resource object, so events of one host and service share one `ResourceLogs`.
 */
export class ResourceCache {
  readonly #cache = new Map<string, OtlpResource>();
  readonly #base: Readonly<Record<string, string>>;
  readonly #serviceName: string | undefined;
  readonly #defaultServiceName: string;
  readonly #hostName: string | undefined;

  constructor(o: {
    readonly serviceName: string | undefined;
    readonly defaultServiceName: string;
    readonly resourceAttributes: Readonly<Record<string, string>>;
  }) {
    const { "service.name": _service, "host.name": host, ...rest } = o.resourceAttributes;
    this.#base = rest;
    this.#serviceName = o.serviceName;
    this.#defaultServiceName = o.defaultServiceName;
    this.#hostName = host;
  }

  /** The resource of an event carrying `service` and `host` (either may be absent). */
  get(service: unknown, host: unknown): OtlpResource {
    const s = this.#serviceName ?? (typeof service === "string" && service !== "" ? service : this.#defaultServiceName);
    const h = this.#hostName ?? (typeof host === "string" && host !== "" ? host : undefined);
    const key = `${s}\u0000${h ?? ""}`;
    let resource = this.#cache.get(key);
    if (resource === undefined) {
      // Hosts do not change service names by the thousand; a bound keeps a misuse cheap.
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      resource = {
        attributes: {
          ...this.#base,
          "service.name": s,
          "host.name": h ?? hostname(),
          "telemetry.sdk.name": SCOPE.name,
          "telemetry.sdk.language": "nodejs",
          "telemetry.sdk.version": SINK_VERSION,
        },
      };
      this.#cache.set(key, resource);
    }
    return resource;
  }
}
