import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { activateWithReport, silentLogger } from "@iw/core";
import { corePeerCheck, satisfies } from "../src/activation/core-peer.js";

const OWN_VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), "iw-core-peer-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An app folder with a fake sink package `@iw/sink-fake` (and optionally its own @iw/core). */
function app(name: string, sink: { peer?: string; importsCore?: boolean }, ownCore?: string): { dir: string; url: string } {
  const dir = join(work, name);
  const pkg = join(dir, "node_modules", "@iw", "sink-fake");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  writeFileSync(
    join(pkg, "package.json"),
    JSON.stringify({
      name: "@iw/sink-fake",
      version: "0.3.0",
      type: "module",
      exports: { ".": "./index.js" },
      ...(sink.peer ? { peerDependencies: { "@iw/core": sink.peer } } : {}),
    }),
  );
  const plugin = `export const plugin = { name: "fake", env: "IW_FAKE_URL", options: { safeParseAsync: async (v) => ({ success: true, data: v }) }, create: () => ({ name: "fake", send: async () => ({ status: "success" }), close: async () => {} }) };\nexport default plugin;\n`;
  writeFileSync(join(pkg, "index.js"), `${sink.importsCore ? 'import "@iw/core";\n' : ""}${plugin}`);
  if (ownCore !== undefined) {
    const core = join(pkg, "node_modules", "@iw", "core");
    mkdirSync(core, { recursive: true });
    writeFileSync(
      join(core, "package.json"),
      JSON.stringify({ name: "@iw/core", version: ownCore, exports: { "./package.json": "./package.json" } }),
    );
  }
  return { dir, url: pathToFileURL(join(pkg, "index.js")).href };
}

describe("satisfies (npm semver subset)", () => {
  it.each([
    ["0.1.0", "^0.1.0", true],
    ["0.1.5", "^0.1.0", true],
    ["0.2.0", "^0.1.0", false],
    ["0.1.0-0", "^0.1.0-0", true],
    ["0.1.0", "^0.1.0-0", true],
    ["0.1.0-0", "^0.1.0", false],
    ["0.0.4", "^0.0.3", false],
    ["1.5.0", ">=1.2 <2", true],
    ["1.3.0", "~1.2.3", false],
    ["3.0.0", "^1 || ^3", true],
    ["2.1.0", "1.x", false],
    ["1.0.0", "*", true],
  ] as const)("%s in %s: %s", (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it("does not guess at ranges it cannot read", () => {
    for (const range of ["workspace:^", "file:../core", "1.0.0 - 2.0.0", "latest"]) expect(satisfies("1.0.0", range)).toBeUndefined();
  });
});

describe("corePeerCheck", () => {
  it("refuses a sink whose @iw/core peer range leaves out this core, naming the line to run", () => {
    const { url } = app("outside", { peer: "^9.0.0" });
    const { error } = corePeerCheck("@iw/sink-fake", url);
    expect(error).toBe(
      `@iw/sink-fake 0.3.0 needs @iw/core ^9.0.0, but the application's @iw/core is ${OWN_VERSION}: install versions that match, e.g. npm i @iw/core@latest @iw/sink-fake@latest (pnpm add @iw/core@latest @iw/sink-fake@latest)`,
    );
  });

  it("warns about a sink resolving a second copy of @iw/core within its range", () => {
    const { url } = app("second-copy", { peer: `>=${OWN_VERSION}` }, OWN_VERSION);
    const check = corePeerCheck("@iw/sink-fake", url);
    expect(check.error).toBeUndefined();
    expect(check.warning).toMatch(
      /^@iw\/sink-fake uses its own copy of @iw\/core .* install @iw\/core once, next to the sinks: npm i @iw\/core @iw\/sink-fake/,
    );
  });

  it("is quiet for a matching peer, no peer, a workspace range or a non-file URL", () => {
    expect(corePeerCheck("@iw/sink-fake", app("no-peer", {}).url)).toEqual({});
    expect(corePeerCheck("@iw/sink-fake", app("workspace", { peer: "workspace:^" }).url)).toEqual({});
    expect(corePeerCheck("x", "data:text/javascript,export default 1")).toEqual({});
  });
});

describe("activate() with a sink built for another @iw/core", () => {
  it("keeps the sink off with one error naming both versions and the install line", async () => {
    const { dir } = app("activate-outside", { peer: "^9.0.0" });
    const { dispatcher, errors } = await activateWithReport({
      env: { IW_SINK_PLUGINS: "@iw/sink-fake", IW_FAKE_URL: "http://127.0.0.1:9/" },
      logger: silentLogger,
      resolveFrom: dir,
    });
    expect(dispatcher.enabled).toBe(false);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^IW_SINK_PLUGINS: @iw\/sink-fake 0\.3\.0 needs @iw\/core \^9\.0\.0, .*npm i @iw\/core@latest/),
    ]);
  });

  it("says which line to run when the sink cannot find its @iw/core peer", async () => {
    // The fake sink lives outside any node_modules that holds @iw/core.
    const { dir } = app("activate-no-core", { peer: "*", importsCore: true });
    const { errors } = await activateWithReport({
      env: { IW_SINK_PLUGINS: "@iw/sink-fake", IW_FAKE_URL: "http://127.0.0.1:9/" },
      logger: silentLogger,
      resolveFrom: dir,
    });
    expect(errors.map((e) => e.message)).toContain(
      "IW_SINK_PLUGINS is set but @iw/sink-fake cannot find @iw/core, its peer dependency: install both side by side: npm i @iw/core @iw/sink-fake (pnpm add @iw/core @iw/sink-fake)",
    );
  });
});
