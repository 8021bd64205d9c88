import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const hostDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(hostDir, "..", "..");

/** The built files the child process needs; the end-to-end tests run real `node`, not vitest. */
export const BUILT_FILES = [
  join(hostDir, "dist", "main.js"),
  join(root, "packages", "core", "dist", "index.js"),
  join(root, "packages", "sink-logstash", "dist", "index.js"),
  join(root, "packages", "metrics", "dist", "prometheus.js"),
];

/** Throws a clear message when the packages were not built. */
export function assertBuilt(): void {
  const missing = BUILT_FILES.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new Error(`build first (node scripts/bootstrap.mjs or pnpm build); missing: ${missing.join(", ")}`);
  }
}

/** A host started as `node dist/main.js`. */
export interface HostProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` once listening. */
  readonly url: string;
  /** Every line it wrote on stdout and stderr so far. */
  readonly lines: string[];
  /** Resolves with the exit code (or signal) and when it came. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts the built host with `env` (on top of a copy of this environment without any `IW_*`). */
export async function startHost(env: Record<string, string>, timeoutMs = 10_000): Promise<HostProcess> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("IW_")));
  const child = spawn(process.execPath, [join(hostDir, "dist", "main.js")], {
    cwd: hostDir,
    env: { ...base, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host not listening after ${timeoutMs} ms:\n${lines.join("\n")}`)), timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    }
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code}) before listening:\n${lines.join("\n")}`));
    });
  });
  return { child, url, lines, exited };
}
