import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// docs/writing-a-sink.md shows this example's files in full; each block follows a
// `<!-- file: <path from the repository root> -->` marker and must be that file, byte for byte.
const ROOT = join(import.meta.dirname, "..", "..", "..");
const DOC = join(ROOT, "docs", "writing-a-sink.md");
const SHOWN = [
  "examples/custom-sink/src/jsonl-file-sink.ts",
  "examples/custom-sink/src/options.ts",
  "examples/custom-sink/src/plugin.ts",
  "examples/custom-sink/test/contract.test.ts",
];
const BLOCK = /(<!-- file: (\S+) -->\n```ts\n)([\s\S]*?)(```\n)/g;

describe("docs/writing-a-sink.md", () => {
  it("shows the example's sink, options, plugin and contract test exactly as they are", () => {
    const doc = readFileSync(DOC, "utf8");
    const synced = doc.replace(
      BLOCK,
      (_m, open: string, path: string, _body: string, close: string) => open + readFileSync(join(ROOT, path), "utf8") + close,
    );
    expect([...doc.matchAll(BLOCK)].map((m) => m[2])).toEqual(SHOWN);
    // IW_UPDATE_DOCS=1 copies the files into the document instead of failing.
    if (process.env["IW_UPDATE_DOCS"] === "1" && synced !== doc) writeFileSync(DOC, synced);
    else expect(doc).toBe(synced);
  });
});
