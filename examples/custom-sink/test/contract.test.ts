import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSinkContract } from "@iw/testkit";
import { JsonlFileSink } from "../src/index.js";

describeSinkContract("jsonl-file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "iw-jsonl-contract-"));
  const away = `${dir}-away`;
  const path = join(dir, "events.jsonl");
  return {
    sink: new JsonlFileSink({ path }),
    // One event per line; a file not written yet holds nothing.
    received: async () =>
      (await readFile(path, "utf8").catch(() => ""))
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown),
    cleanup: async () => {
      await rm(dir, { recursive: true, force: true });
      await rm(away, { recursive: true, force: true });
    },
    // The destination goes away as a volume does when it is unmounted, and comes back with
    // what was written before.
    makeUnavailable: () => rename(dir, away),
    makeAvailable: () => rename(away, dir),
  };
});
