import type { SinkPlugin } from "@iw/core/sink-kit";

/** A stream the CLI writes to: `process.stdout` or a test's collector. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Everything the CLI touches outside itself, so that tests run it in-process. */
export interface CliIo {
  /** The process environment: colours (`NO_COLOR`, `FORCE_COLOR`) and, without `--env-file`, the `IW_*` variables. @default process.env */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default process.stdout */
  readonly stdout: OutputStream;
  /** @default process.stderr */
  readonly stderr: OutputStream;
  /** Relative paths (`--env-file`, `--dir`) are resolved from here. @default process.cwd() */
  readonly cwd: string;
  /** Aborted on SIGINT/SIGTERM: `listen` stops and prints its counts, other commands stop waiting. @default never */
  readonly signal?: AbortSignal;
  /**
   * Sink plugins given in code, as to `activate({ plugins })` (embedding, tests). The CLI
   * otherwise loads the packages the variables ask for, as the host would. @default []
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly plugins?: readonly SinkPlugin<any>[];
  /** Where sink packages are resolved from. @default the CLI itself, then `cwd` (as `activate()`) */
  readonly resolveFrom?: string;
}

/** Exit codes: 0 all good, 1 a problem was found (or a delivery failed), 2 the command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

/** Terminal colours, or none. */
export interface Paint {
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

/**
 * Colours only on a terminal: `FORCE_COLOR` (not `0`/`false`) forces them, `NO_COLOR` (any
 * value) or `TERM=dumb` turns them off (https://no-color.org, https://force-color.org).
 */
export function colorsFor(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): Paint {
  const force = env["FORCE_COLOR"];
  let enabled: boolean;
  if (force !== undefined && force !== "") enabled = force !== "0" && force.toLowerCase() !== "false";
  else if ((env["NO_COLOR"] ?? "") !== "" || env["TERM"] === "dumb") enabled = false;
  else enabled = stream.isTTY === true;
  const sgr = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/** Line-oriented output of one command run. */
export class Output {
  readonly paint: Paint;
  readonly #io: CliIo;
  constructor(io: CliIo) {
    this.#io = io;
    this.paint = colorsFor(io.stdout, io.env);
  }
  /** One line on stdout. */
  line(text = ""): void {
    this.#io.stdout.write(`${text}\n`);
  }
  /** One JSON document (a line) on stdout. */
  json(value: unknown): void {
    this.#io.stdout.write(`${JSON.stringify(value)}\n`);
  }
  /** A diagnostic on stderr (never parsed by scripts reading `--json` output). */
  note(text: string): void {
    this.#io.stderr.write(`${text}\n`);
  }
}
