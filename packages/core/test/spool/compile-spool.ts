import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");

/**
 * Transpiles `src/spool` (and the one core folder it imports at runtime, `diagnostics/`) into a
 * private directory so that child processes can import the spool with plain `node`, without
 * building the package. Cached by a hash of the sources. Returns the path of `spool/index.js`.
 */
export function compileSpool(): string {
  const files = ["spool", "diagnostics"]
    .flatMap((dir) =>
      readdirSync(join(SRC, dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `${dir}/${f}`),
    )
    .sort();
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(readFileSync(join(SRC, f)));
  const out = join(tmpdir(), `iw-spool-build-${hash.digest("hex").slice(0, 16)}`);
  const entry = join(out, "spool", "index.js");
  if (existsSync(entry)) return entry;
  const work = `${out}.tmp-${process.pid}`;
  mkdirSync(join(work, "spool"), { recursive: true });
  mkdirSync(join(work, "diagnostics"), { recursive: true });
  writeFileSync(join(work, "package.json"), '{"type":"module"}');
  for (const f of files) {
    const { outputText } = ts.transpileModule(readFileSync(join(SRC, f), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: f,
    });
    writeFileSync(join(work, f.replace(/\.ts$/, ".js")), outputText);
  }
  try {
    renameSync(work, out);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another worker won the race
  }
  return entry;
}
