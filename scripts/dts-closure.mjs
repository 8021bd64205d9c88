// The declaration files a user of a workspace package can load: from the `types` of each entry
// point in its package.json `exports`, every file reached through imports. Shared by
// check-dts.mjs (what users load from all packages) and prune-dts.mjs (what a package ships).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");

/** The published workspace packages, by name: their folder and package.json. */
export function publishedPackages() {
  const packages = new Map();
  for (const dir of readdirSync(join(ROOT, "packages")).sort()) {
    const pkgFile = join(ROOT, "packages", dir, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    if (!pkg.private) packages.set(pkg.name, { dir: join(ROOT, "packages", dir), pkg });
  }
  return packages;
}

/** Each entry point of a package (`@iw/core`, `@iw/core/sink-kit`, …) and its .d.ts. */
export function entryPoints(name, { dir, pkg }) {
  return Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === "object" && target?.types !== undefined)
    .map(([subpath, target]) => ({ entry: subpath === "." ? name : `${name}/${subpath.slice(2)}`, dts: join(dir, target.types) }));
}

const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;

/**
 * Every .d.ts reached from `entries`. Relative imports are followed; `@iw/*` imports are
 * followed into that package only when `acrossPackages`; anything else is third-party.
 */
export function declarationClosure(entries, packages, { acrossPackages = true } = {}) {
  const seen = new Set();
  const external = new Set();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`missing ${relative(ROOT, file)}: run pnpm build first`);
    seen.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(SPECIFIERS)) {
      if (specifier.startsWith(".")) {
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".d.ts")));
        continue;
      }
      const name = packages.has(specifier) ? specifier : [...packages.keys()].find((n) => specifier.startsWith(`${n}/`));
      if (name === undefined || !acrossPackages) {
        external.add(specifier);
        continue;
      }
      const target = entryPoints(name, packages.get(name)).find((e) => e.entry === specifier);
      if (target === undefined) throw new Error(`${specifier} (imported by ${relative(ROOT, file)}) is not an exported subpath`);
      queue.push(target.dts);
    }
  }
  return { files: [...seen].sort(), external: [...external].sort() };
}
