import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorePackage, buildSinkPackage } from "../../core/test/helpers/build-dist.js";

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A host application in a temporary folder, as a user installs it: private builds of @iw/core
 * and @iw/sink-logstash (the shared dist/ folders may hold someone else's work in progress)
 * under its node_modules, and `fixture` (a file of test/fixtures) copied in as `main`.
 * Returns the folder; the caller removes it.
 */
export function buildHostApp(name: string, fixture: string, main: string): string {
  const core = buildCorePackage();
  const app = mkdtempSync(join(tmpdir(), `iw-${name}-`));
  const sink = buildSinkPackage("sink-logstash", join(app, "sink-logstash"));
  mkdirSync(join(sink, "node_modules", "@iw"), { recursive: true });
  symlinkSync(core, join(sink, "node_modules", "@iw", "core"), "dir");
  for (const dep of ["undici", "zod"]) symlinkSync(join(PACKAGE_DIR, "node_modules", dep), join(sink, "node_modules", dep), "dir");
  mkdirSync(join(app, "node_modules", "@iw"), { recursive: true });
  symlinkSync(core, join(app, "node_modules", "@iw", "core"), "dir");
  symlinkSync(sink, join(app, "node_modules", "@iw", "sink-logstash"), "dir");
  writeFileSync(join(app, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  copyFileSync(join(PACKAGE_DIR, "test", "fixtures", fixture), join(app, main));
  return app;
}
