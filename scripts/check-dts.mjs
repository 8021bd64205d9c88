#!/usr/bin/env node
// Checks the declarations a user of the published packages loads (run `pnpm build` first): from
// each entry point's .d.ts, follows every import (relative files and other @iw packages) and
// fails when one of those files names zod in its declarations (a schema library's internal types
// are not our API; TSDoc prose may mention it), NonSharedBuffer (only recent @types/node has
// it) or a generic Uint8Array<…> (TypeScript 5.7+). Explicit `Buffer` is allowed and counted.
//
//   node scripts/check-dts.mjs            one line per entry point, problems in detail
//   node scripts/check-dts.mjs --files    also list the files each entry point loads
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { ROOT as root, declarationClosure, entryPoints, publishedPackages } from "./dts-closure.mjs";

const listFiles = process.argv.includes("--files");
const packages = publishedPackages();

/** The text with comments blanked (line numbers kept), so prose does not count as a type. */
function withoutComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|[^:"'])\/\/.*$/gm, "$1");
}

let failed = false;
for (const [name, pkg] of packages) {
  for (const { entry, dts } of entryPoints(name, pkg)) {
    const { files, external } = declarationClosure([dts], packages);
    const problems = [];
    const buffers = [];
    for (const file of files) {
      const lines = withoutComments(readFileSync(file, "utf8")).split("\n");
      lines.forEach((line, i) => {
        const at = `${relative(root, file)}:${i + 1}`;
        if (/zod/i.test(line)) problems.push(`${at} names zod: ${line.trim()}`);
        if (/NonSharedBuffer/.test(line)) problems.push(`${at} names NonSharedBuffer: ${line.trim()}`);
        // TypeScript before 5.7 has no generic Uint8Array: "Type 'Uint8Array' is not generic".
        if (/Uint8Array</.test(line)) problems.push(`${at} names a generic Uint8Array<…> (TypeScript 5.7+ only): ${line.trim()}`);
        if (/\bBuffer\b/.test(line)) buffers.push(at);
      });
    }
    failed ||= problems.length > 0;
    console.log(
      `${problems.length === 0 ? "ok  " : "FAIL"} ${entry}: ${files.length} declaration files; third-party types: ${external.join(", ") || "none"}; explicit Buffer: ${buffers.length}`,
    );
    for (const p of problems.slice(0, 10)) console.log(`     ${p}`);
    if (problems.length > 10) console.log(`     … and ${problems.length - 10} more`);
    if (listFiles) for (const f of files) console.log(`     ${relative(root, f)}`);
  }
}
process.exitCode = failed ? 1 : 0;
