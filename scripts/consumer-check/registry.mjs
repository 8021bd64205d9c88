// A minimal npm registry on 127.0.0.1 that serves the packed @iw/* tarballs, so a fresh app can
// run the very line a README gives (`npm i @iw/core @iw/sink-logstash`, `pnpm add …`) before
// anything is published. Apps point only the @iw scope at it (`@iw:registry=…` in their .npmrc);
// every other package still comes from the real registry.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { createReadStream, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename } from "node:path";

/** The package.json inside a tarball (as packed: `workspace:` ranges already rewritten). */
export function tarballManifest(tgz) {
  return JSON.parse(execFileSync("tar", ["-xzOf", tgz, "package/package.json"], { encoding: "utf8" }));
}

/**
 * Starts the registry. `tarballs` lists `.tgz` paths; several versions of one package may be
 * given (the first one given is `latest`; the others are installed only by exact version).
 * Resolves to `{ url, close() }`.
 */
export async function startRegistry(tarballs) {
  const packages = new Map();
  const files = new Map();
  for (const tgz of tarballs) {
    const manifest = tarballManifest(tgz);
    const bytes = readFileSync(tgz);
    const file = `${manifest.name.replace("/", "-").replace(/^@/, "")}-${manifest.version}.tgz`;
    files.set(file, tgz);
    const entry = packages.get(manifest.name) ?? { versions: {}, latest: undefined };
    entry.versions[manifest.version] = {
      ...manifest,
      _id: `${manifest.name}@${manifest.version}`,
      dist: {
        tarball: file, // made absolute per request, once the port is known
        integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
        shasum: createHash("sha1").update(bytes).digest("hex"),
      },
    };
    entry.latest ??= manifest.version; // the first tarball given of each package is `latest`
    packages.set(manifest.name, entry);
  }
  let base = "";
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]).replace(/^\/+/, "");
    if (path.startsWith("-/tarballs/")) {
      const tgz = files.get(basename(path));
      if (tgz === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/octet-stream" });
      createReadStream(tgz).pipe(res);
      return;
    }
    const entry = packages.get(path);
    if (entry === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found" }));
      return;
    }
    const versions = {};
    const time = { created: "2026-01-01T00:00:00.000Z", modified: "2026-01-01T00:00:00.000Z" };
    for (const [v, m] of Object.entries(entry.versions)) {
      versions[v] = { ...m, dist: { ...m.dist, tarball: `${base}-/tarballs/${m.dist.tarball}` } };
      time[v] = "2026-01-01T00:00:00.000Z";
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: path, "dist-tags": { latest: entry.latest }, versions, time }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  return {
    url: base,
    packages: [...packages.keys()],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
