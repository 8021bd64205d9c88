#!/usr/bin/env node
// A published package's `build`: `tsc -p tsconfig.build.json` into a fresh dist/.
//
// tsc never deletes the output of a source file that was moved or removed, and `files: ["dist"]`
// would pack such stale files (and their maps). So the build goes to dist.next/ and replaces
// dist/ by two renames: dist/ is never missing for longer than that, so tests and apps running
// on the built package in the same checkout do not see it vanish. Then the declaration files no
// entry point reaches are pruned (prune-dts.mjs): only the public API's declarations ship.
import { execFileSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pruneDeclarations } from "./prune-dts.mjs";

const cwd = process.cwd();
const dist = join(cwd, "dist");
const next = join(cwd, "dist.next");
const old = join(cwd, "dist.old");
rmSync(next, { recursive: true, force: true });
const tsc = createRequire(join(cwd, "package.json")).resolve("typescript/bin/tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", next], { cwd, stdio: "inherit" });
} catch (err) {
  rmSync(next, { recursive: true, force: true });
  process.exit(typeof err.status === "number" ? err.status : 1);
}
rmSync(old, { recursive: true, force: true });
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
pruneDeclarations(cwd);
