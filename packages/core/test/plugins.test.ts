import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BUILTIN_SINKS } from "../src/activation/index.js";
import {
  loadModule,
  ModuleMissingError,
  pluginOf,
  pluginProblem,
  resolutionBases,
  resolveImportExport,
} from "../src/activation/plugins.js";
import { memoryPlugin } from "./helpers/memory-plugin.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "iw-plugins-"));
  dirs.push(d);
  return d;
};

describe("built-in table", () => {
  it("lists the built-in sinks with their variables and packages", () => {
    expect(BUILTIN_SINKS).toEqual([
      { name: "logstash", env: "IW_ELK_URL", module: "@iw/sink-logstash" },
      { name: "fluentd", env: "IW_FLUENTD_URL", module: "@iw/sink-fluentd" },
      { name: "webhook", env: "IW_WEBHOOK_URL", module: "@iw/sink-webhook" },
      { name: "otlp", env: "IW_OTLP_URL", module: "@iw/sink-otlp" },
      { name: "syslog", env: "IW_SYSLOG_URL", module: "@iw/sink-syslog" },
    ]);
  });
});

describe("resolutionBases", () => {
  it("accepts a directory, a file or a file URL, and defaults to the main module then the cwd", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "server.js"), "");
    expect(resolutionBases(dir)).toEqual([join(dir, "noop.js")]);
    expect(resolutionBases(join(dir, "server.js"))).toEqual([join(dir, "server.js")]);
    expect(resolutionBases(pathToFileURL(join(dir, "server.js")))).toEqual([join(dir, "server.js")]);
    expect(resolutionBases(pathToFileURL(dir).href)).toEqual([join(dir, "noop.js")]);
    expect(resolutionBases().at(-1)).toBe(join(process.cwd(), "noop.js"));
  });
});

describe("loadModule", () => {
  it("resolves relative paths from the base and reports a missing module as such", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "p.mjs"), "export default 42;\n");
    expect((await loadModule("./p.mjs", [join(dir, "noop.js")], false))["default"]).toBe(42);
    await expect(loadModule("./absent.mjs", [join(dir, "noop.js")], false)).rejects.toBeInstanceOf(ModuleMissingError);
  });

  it("finds an installed ESM-only package (exports with an import condition only)", async () => {
    const dir = tempDir();
    const pkg = join(dir, "node_modules", "@acme", "esm-sink");
    mkdirSync(join(pkg, "lib"), { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "@acme/esm-sink", type: "module", exports: { ".": { import: { node: "./lib/index.js" } } } }),
    );
    writeFileSync(join(pkg, "lib", "index.js"), "export const plugin = 'esm-only';\n");
    mkdirSync(join(dir, "app", "src"), { recursive: true });
    expect((await loadModule("@acme/esm-sink", [join(dir, "app", "src", "main.js")], false))["plugin"]).toBe("esm-only");
    expect(resolveImportExport("@acme/esm-sink/other", join(dir, "noop.js"))).toBeUndefined();
  });

  it("surfaces a module that fails to load as its own error, not as missing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.mjs"), 'throw new Error("boom at load");\n');
    await expect(loadModule("./broken.mjs", [join(dir, "noop.js")], false)).rejects.toThrow("boom at load");
  });
});

describe("pluginOf / pluginProblem", () => {
  it("takes the named export first, then the default", () => {
    const { plugin } = memoryPlugin();
    expect(pluginOf({ plugin }, "m")).toBe(plugin);
    expect(pluginOf({ default: plugin }, "m")).toBe(plugin);
  });

  it("says what is wrong with a non-plugin", () => {
    const { plugin } = memoryPlugin();
    expect(pluginProblem(null)).toBe("not an object");
    expect(pluginProblem({ ...plugin, name: "" })).toMatch(/^name must be/);
    expect(pluginProblem({ ...plugin, env: "IW_URL" })).toMatch(/^env must be/);
    expect(pluginProblem({ ...plugin, options: {} })).toBe("options must be a zod schema");
    expect(pluginProblem({ ...plugin, create: 1 })).toBe("create must be a function");
    expect(() => pluginOf({ x: 1 }, "mod")).toThrow('mod does not export a sink plugin as "plugin" or default: not an object');
  });
});
