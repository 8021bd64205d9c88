import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/*
 * Sink packages declare @iw/core as a peer dependency: the application installs core once and
 * every sink uses that copy. When the installed core is outside a sink's peer range (pnpm only
 * warns; `npm --legacy-peer-deps` says nothing) or a sink resolves a copy of its own, activation
 * says so instead of running a sink against a core it was not built for.
 */

/** The install line for messages: `npm i <specs> (pnpm add <specs>)`. */
export function installLine(specs: string): string {
  return `npm i ${specs} (pnpm add ${specs})`;
}

/** What {@link corePeerCheck} found about a loaded sink module. */
export interface CorePeerCheck {
  /** The sink is built for another @iw/core: it must stay off. */
  readonly error?: string;
  /** The sink resolves a second copy of @iw/core (same range): it works, but say so. */
  readonly warning?: string;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly peerDependencies?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
}

function readJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The nearest package.json with a name above `file`, and its path. */
function owningPackage(file: string): { path: string; json: PackageJson } | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = join(dir, "package.json");
    const json = readJson(path);
    if (json?.name !== undefined) return { path, json };
    if (dirname(dir) === dir) return undefined;
  }
}

/** This @iw/core's package.json (self-reference through its `./package.json` export). */
function ownPackage(): { path: string; version: string } | undefined {
  try {
    const path = realpathSync(createRequire(import.meta.url).resolve("@iw/core/package.json"));
    const version = readJson(path)?.version;
    return version === undefined ? undefined : { path, version };
  } catch {
    return undefined; // bundled: nothing to compare
  }
}

/**
 * Checks a loaded sink module (`moduleUrl`, a file URL) against this @iw/core: its package's
 * `@iw/core` peer (or dependency) range must include this version, and the copy it resolves
 * should be this one. Best effort: anything it cannot read (a bundle, a `workspace:` range, a
 * range form it does not know) is no problem.
 */
export function corePeerCheck(specifier: string, moduleUrl: string): CorePeerCheck {
  try {
    if (!moduleUrl.startsWith("file:")) return {};
    const own = ownPackage();
    const pkg = owningPackage(fileURLToPath(moduleUrl));
    if (own === undefined || pkg === undefined || pkg.json.name === "@iw/core") return {};
    const name = pkg.json.name ?? specifier;
    const range = pkg.json.peerDependencies?.["@iw/core"] ?? pkg.json.dependencies?.["@iw/core"];
    if (range === undefined) return {};
    if (satisfies(own.version, range) === false) {
      return {
        error:
          `${name} ${pkg.json.version ?? ""} needs @iw/core ${range}, but the application's @iw/core is ${own.version}: ` +
          `install versions that match, e.g. ${installLine(`@iw/core@latest ${name}@latest`)}`.replace(/ {2,}/g, " "),
      };
    }
    let theirs: string;
    try {
      theirs = realpathSync(createRequire(pkg.path).resolve("@iw/core/package.json"));
    } catch {
      return {};
    }
    if (theirs === own.path) return {};
    return {
      warning:
        `${name} uses its own copy of @iw/core (${readJson(theirs)?.version ?? "?"}, ${theirs}) besides the application's ` +
        `(${own.version}, ${own.path}); install @iw/core once, next to the sinks: ${installLine(`@iw/core ${name}`)}`,
    };
  } catch {
    return {};
  }
}

type Version = readonly [number, number, number, readonly string[]];

function parseVersion(v: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? [] : m[4].split(".")];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  const [pa, pb] = [a[3], b[3]];
  if (pa.length === 0 || pb.length === 0) return pb.length - pa.length; // a release sorts after its prereleases
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) return nx - ny;
    if (nx !== undefined || ny !== undefined) return nx !== undefined ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Whether `version` is in the npm semver `range` (`^`, `~`, comparisons, x-ranges, `||`, with
 * npm's rule that a prerelease only matches a comparator of the same `major.minor.patch`);
 * `undefined` for a range it cannot read (`workspace:`, `file:`, hyphen ranges, tags).
 */
export function satisfies(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  if (v === undefined) return undefined;
  let any = false;
  for (const alternative of range.split("||")) {
    const comparators = alternative.trim() === "" ? ["*"] : alternative.trim().split(/\s+/);
    const bounds: { op: string; at: Version }[] = [];
    const named: Version[] = [];
    for (const c of comparators) {
      const m = /^(\^|~|>=|<=|>|<|=)?v?(\d+|x|X|\*)(?:\.(\d+|x|X|\*))?(?:\.(\d+|x|X|\*))?(?:-([0-9A-Za-z.-]+))?$/.exec(c);
      if (m === null) return undefined;
      const op = m[1] ?? "=";
      const wild = (s: string | undefined) => s === undefined || /^[xX*]$/.test(s);
      const [maj, min, pat] = [m[2], m[3], m[4]].map((s) => (wild(s) ? undefined : Number(s)));
      const pre = m[5] === undefined ? [] : m[5].split(".");
      if (maj === undefined) {
        if (op === "<" || op === ">") bounds.push({ op: "<", at: [0, 0, 0, ["0"]] }); // matches nothing
        continue;
      }
      const low: Version = [maj, min ?? 0, pat ?? 0, pre];
      if (pre.length > 0) named.push(low);
      const next = (p: Version, part: 0 | 1 | 2): Version =>
        part === 0 ? [p[0] + 1, 0, 0, ["0"]] : part === 1 ? [p[0], p[1] + 1, 0, ["0"]] : [p[0], p[1], p[2] + 1, ["0"]];
      const partial = min === undefined ? 0 : pat === undefined ? 1 : 2;
      if (op === "^") {
        const part = maj !== 0 || min === undefined ? 0 : min !== 0 || pat === undefined ? 1 : 2;
        bounds.push({ op: ">=", at: low }, { op: "<", at: next(low, part) });
      } else if (op === "~") bounds.push({ op: ">=", at: low }, { op: "<", at: next(low, min === undefined ? 0 : 1) });
      else if (op === "=")
        bounds.push(
          ...(partial === 2
            ? [{ op: "=", at: low }]
            : [
                { op: ">=", at: low },
                { op: "<", at: next(low, partial === 0 ? 0 : 1) },
              ]),
        );
      else if (op === ">") bounds.push(partial === 2 ? { op: ">", at: low } : { op: ">=", at: next(low, partial === 0 ? 0 : 1) });
      else if (op === "<=") bounds.push(partial === 2 ? { op: "<=", at: low } : { op: "<", at: next(low, partial === 0 ? 0 : 1) });
      else bounds.push({ op, at: low });
    }
    const inside = bounds.every(({ op, at }) => {
      const d = compare(v, at);
      return op === ">=" ? d >= 0 : op === ">" ? d > 0 : op === "<" ? d < 0 : op === "<=" ? d <= 0 : d === 0;
    });
    // npm: a prerelease matches only a set naming the same major.minor.patch with a prerelease.
    const preOk = v[3].length === 0 || named.some((t) => t[0] === v[0] && t[1] === v[1] && t[2] === v[2]);
    if (inside && preOk) any = true;
  }
  return any;
}
