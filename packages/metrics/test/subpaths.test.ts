import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | Record<string, string>>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** Every package a module loads at run time (type-only imports are erased), following its relative imports. */
function runtimePackages(entry: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(entry)) return out;
  seen.add(entry);
  const source = readFileSync(entry, "utf8");
  for (const m of source.matchAll(/^(import|export)(?!\s+type\b)[^;]*?from\s+"([^"]+)";/gms)) {
    const specifier = m[2]!;
    if (specifier.startsWith(".")) {
      for (const p of runtimePackages(resolve(dirname(entry), specifier.replace(/\.js$/, ".ts")), seen)) out.add(p);
    } else out.add(specifier);
  }
  return out;
}

describe("subpaths", () => {
  it.each([
    [".", ["@iw/core"]],
    ["./prometheus", ["@iw/core", "prom-client"]],
    ["./opentelemetry", ["@iw/core", "@opentelemetry/api"]],
  ])("%s loads only %j", (subpath, allowed) => {
    const target = pkg.exports[subpath] as Record<string, string>;
    expect([...runtimePackages(join(root, target["@iw/source"]!))].sort()).toEqual(allowed.sort());
  });

  it("maps every subpath to its source and to the built file of the same name", () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") continue;
      const source = target["@iw/source"]!;
      expect(existsSync(join(root, source)), subpath).toBe(true);
      const stem = source.replace(/^\.\/src\//, "./dist/").replace(/\.ts$/, "");
      expect(target).toEqual({ "@iw/source": source, types: `${stem}.d.ts`, default: `${stem}.js` });
    }
  });

  it("needs prom-client and @opentelemetry/api only as optional peers", () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["@iw/core", "@opentelemetry/api", "prom-client"]);
    expect(pkg.peerDependenciesMeta).toEqual({ "@opentelemetry/api": { optional: true }, "prom-client": { optional: true } });
  });
});
