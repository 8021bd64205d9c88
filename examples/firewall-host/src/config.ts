import { IwConfigError } from "@iw/core";
import { generateDemoKey, parseApiKeys } from "./auth.js";
import { POLICIES, type Policy, type PolicyName } from "./scanner.js";

/** The host's settings, read from the environment by `loadConfig`. */
export interface HostConfig {
  /** `PORT`. @default 8000 (0 picks a free port) */
  readonly port: number;
  /** `HOST`. @default "127.0.0.1" */
  readonly host: string;
  /** `IW_DEMO_API_KEYS`. @default one generated key, printed at start-up */
  readonly keys: readonly string[];
  /** The generated key when `IW_DEMO_API_KEYS` is unset. */
  readonly generatedKey: string | undefined;
  /** `IW_DEMO_POLICY`: `default` | `strict` | `permissive`. @default "default" */
  readonly policy: Policy;
  /** `IW_DEMO_RATE_LIMIT`: requests per second per key, 0 = unlimited. @default 50 */
  readonly rateLimitPerSec: number;
  /** `IW_DEMO_SHUTDOWN_MS`: how long shutdown may wait for the sinks. @default 5000 */
  readonly shutdownMs: number;
  /** `IW_SERVICE_NAME` (core reads it too, for its own events): `service` field of every event. @default "firewall-host" */
  readonly service: string;
  /** `IW_DEMO_EVENT_HOST`: `host` field of every event; empty leaves it out. @default os.hostname() */
  readonly eventHost: string | undefined;
  /** `IW_DEMO_LOG_LEVEL`: `debug` | `info` | `warn` | `error`. @default "info" */
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new IwConfigError(`${variable}="${raw}" is invalid; expected an integer from ${min} to ${max}`, { variable });
  }
  return value;
}

function oneOf<T extends string>(env: Env, variable: string, allowed: readonly T[], fallback: T): T {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new IwConfigError(`${variable}="${raw}" is invalid; expected one of ${allowed.join(", ")}`, { variable });
  }
  return raw as T;
}

/** Reads the host's settings. Throws an `IwConfigError` naming the variable on a bad value. */
export function loadConfig(env: Env): HostConfig {
  const rawKeys = env.IW_DEMO_API_KEYS?.trim();
  const generatedKey = rawKeys ? undefined : generateDemoKey();
  const policyName = oneOf<PolicyName>(env, "IW_DEMO_POLICY", ["default", "strict", "permissive"], "default");
  return {
    port: int(env, "PORT", 8000, 0, 65535),
    host: env.HOST?.trim() || "127.0.0.1",
    keys: rawKeys ? parseApiKeys(rawKeys) : [generatedKey!],
    generatedKey,
    policy: POLICIES[policyName],
    rateLimitPerSec: int(env, "IW_DEMO_RATE_LIMIT", 50, 0, 1_000_000),
    shutdownMs: int(env, "IW_DEMO_SHUTDOWN_MS", 5000, 0, 600_000),
    service: env.IW_SERVICE_NAME?.trim() || "firewall-host",
    eventHost: env.IW_DEMO_EVENT_HOST?.trim(),
    logLevel: oneOf(env, "IW_DEMO_LOG_LEVEL", ["debug", "info", "warn", "error"] as const, "info"),
  };
}
