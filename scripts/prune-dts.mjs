#!/usr/bin/env node
// Deletes the declaration files (and their maps) in a package's dist/ that no entry point of the
// package reaches, so the published package ships only the declarations its users can load: no
// internal module's inferred types (zod's among them). build-package.mjs runs it after tsc; run
// it by hand from a package's folder.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, declarationClosure, entryPoints, publishedPackages } from "./dts-closure.mjs";

/** Prunes `packageDir/dist`; returns what it kept and removed. A private package is left alone. */
export function pruneDeclarations(packageDir) {
  const packages = publishedPackages();
  const here = [...packages].find(([, p]) => p.dir === packageDir);
  if (here === undefined) return undefined;
  const [name, pkg] = here;
  const { files } = declarationClosure(
    entryPoints(name, pkg).map((e) => e.dts),
    packages,
    { acrossPackages: false },
  );
  const keep = new Set(files);
  const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  let removed = 0;
  for (const file of walk(join(packageDir, "dist"))) {
    const dts = file.endsWith(".d.ts") ? file : file.endsWith(".d.ts.map") ? file.slice(0, -".map".length) : undefined;
    if (dts === undefined || keep.has(dts)) continue;
    rmSync(file);
    if (file === dts) removed++;
  }
  return { name, kept: keep.size, removed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = pruneDeclarations(process.cwd());
  if (result === undefined) throw new Error(`prune-dts: ${process.cwd()} is not a published package`);
  console.log(
    `prune-dts: ${result.name}: kept ${result.kept} declaration files, removed ${result.removed} that no entry point reaches (${relative(ROOT, process.cwd())}/dist)`,
  );
}
