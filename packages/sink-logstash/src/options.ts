import { defineSinkOptions, option } from "@iw/core/sink-kit";
import type { SinkOptionsInput } from "@iw/core/sink-kit";
import { transportOf } from "./node-transport.js";

/**
 * Every option of the Logstash sink, once: its type, default, checks and variable
 * (`IW_ELK_<OPTION>`; the README table is generated from it). Timeouts of a whole attempt,
 * retries and batching belong to the delivery queue (`IW_ELK_TIMEOUT_MS`, `IW_ELK_BATCH_SIZE`, …),
 * not to the sink.
 */
export const logstashOptions = defineSinkOptions({
  prefix: "IW_ELK",
  name: "logstash",
  options: {
    /**
     * One or more Logstash `http` input URLs (`http://` or `https://`). Several URLs are several
     * Logstash nodes: batches are spread over the healthy ones. Credentials in a URL
     * (`https://user:pass@host:8080`) are used for basic auth on that node and never printed.
     */
    urls: option
      .urls({
        schemes: ["http", "https"],
        form: "one or more http(s)://[user:password@]host:port[/path] URLs of Logstash http inputs, comma-separated (several = nodes load-balanced with failover); required, activates the sink",
      })
      .env("URL")
      .required(),
    /** HTTP method of each request. @default "POST" */
    method: option.enum(["POST", "PUT"], "POST"),
    /** Extra request headers; CR/LF in a value is refused. @default {} */
    headers: option.headers(["content-type", "content-encoding"]),
    /** Basic-auth user for every node (wins over URL credentials). @default none */
    user: option.string("basic-auth user for every node (wins over credentials in IW_ELK_URL)"),
    /** Basic-auth password; a secret, never printed. @default none */
    password: option.secret("basic-auth password"),
    ...option.tls("https:// nodes"),
    /** TCP + TLS connect deadline per node. @default 5000 */
    connectTimeoutMs: option.ms(5000, 1, 600_000),
    /** `gzip` sends `Content-Encoding: gzip` bodies. @default "none" */
    compression: option.enum(["none", "gzip"], "none"),
    /** `iw`: InferenceWall's fields exactly; `ecs`: Elastic Common Schema via `toEcs()`. @default "iw" */
    format: option.enum(["iw", "ecs"], "iw"),
    /** Idle time before a kept-alive connection is closed. @default 4000 (code only) */
    keepAliveTimeoutMs: option.ms(4000, 1, 600_000).env(null),
    /** First pause of a failed node before it is probed again. @default 1000 (code only) */
    nodeRetryInitialMs: option.ms(1000, 1, 600_000).env(null),
    /** Longest pause of a failed node (doubling from `nodeRetryInitialMs`). @default 30000 (code only) */
    nodeRetryMaxMs: option.ms(30_000, 1, 3_600_000).env(null),
  },
  rules(o, problem) {
    // Headers, credentials and their combinations (an Authorization header and basic auth), per node.
    for (const url of o.urls) {
      const why = transportProblem(() => transportOf(o, url));
      if (why !== undefined) problem(why.option, why.reason);
    }
  },
});

function transportProblem(build: () => void): { option: "headers" | "user" | "password" | "urls"; reason: string } | undefined {
  try {
    build();
    return undefined;
  } catch (err) {
    const variable = (err as { variable?: string }).variable ?? "";
    const option = variable.endsWith("_HEADERS")
      ? "headers"
      : variable.endsWith("_USER")
        ? "user"
        : variable.endsWith("_PASSWORD")
          ? "password"
          : "urls";
    return { option, reason: (err as Error).message.replace(/^\S+:? /, "") };
  }
}

/** Options of the Logstash sink: only `urls` is required; see `logstashOptions` for each default. */
export type LogstashSinkOptions = SinkOptionsInput<typeof logstashOptions>;
/** Output shape of each event. */
export type LogstashFormat = LogstashSinkOptions["format"] & string;
/** Request body encoding. */
export type LogstashCompression = LogstashSinkOptions["compression"] & string;
/** HTTP method of each request. */
export type LogstashMethod = LogstashSinkOptions["method"] & string;
