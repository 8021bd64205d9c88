#!/usr/bin/env node
// Checks the pending changesets without any network (CI: `pnpm changeset:check`):
//   1. every .changeset/*.md names only published workspace packages (not private, not ignored
//      by .changeset/config.json, e.g. the @iw/example-* apps) with a patch, minor or major
//      bump, and has a summary;
//   2. the release plan is computed as `changeset version` would, from the files alone.
//      `changeset status` is not used: it diffs against the base branch (`main`) to find packages
//      changed without a changeset, which needs that branch locally (a CI clone may not have it)
//      and, with `--since`, reads only the changesets added since that ref; whether a change
//      carries a changeset is the pull request review's job;
//   3. the plan makes no package major unless a changeset asked for it (changesets turns a
//      minor of @iw/core into a major of every package that has it as a peer dependency when
//      the new version leaves the peer range), and releases no private package.
// Prints the plan; exits 1 on any problem.
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, ".changeset");
const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
const problems = [];

const packages = new Map();
for (const parent of ["packages", "examples"]) {
  if (!existsSync(join(root, parent))) continue;
  for (const d of readdirSync(join(root, parent))) {
    const file = join(root, parent, d, "package.json");
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, "utf8"));
    packages.set(json.name, json);
  }
}
const glob = (pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
const ignored = (name) => (config.ignore ?? []).some((p) => glob(p).test(name));

const files = readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md");
const asked = new Map(); // package → bumps asked for
for (const f of files) {
  const text = readFileSync(join(dir, f), "utf8");
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
  if (m === null) {
    problems.push(`${f}: no front matter (--- "package": bump --- then a summary)`);
    continue;
  }
  const lines = m[1].split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) problems.push(`${f}: names no package`);
  for (const line of lines) {
    const e = /^\s*["']?([^"':]+)["']?\s*:\s*(\S+)\s*$/.exec(line);
    if (e === null) {
      problems.push(`${f}: cannot read "${line}"`);
      continue;
    }
    const [, name, bump] = e;
    const pkg = packages.get(name);
    if (pkg === undefined) problems.push(`${f}: ${name} is not a package of this workspace`);
    else if (pkg.private === true || ignored(name))
      problems.push(`${f}: ${name} is ${pkg.private ? "private" : "ignored by .changeset/config.json"}: it is never released`);
    if (!["patch", "minor", "major"].includes(bump)) problems.push(`${f}: "${bump}" is not patch, minor or major`);
    asked.set(name, [...(asked.get(name) ?? []), bump]);
  }
  if (m[2].trim() === "") problems.push(`${f}: no summary for the changelog`);
}

let plan;
try {
  // The plan `changeset version` would apply, computed from the files alone (no git, no network).
  const require = createRequire(realpathSync(join(root, "node_modules", "@changesets", "cli", "package.json")));
  const mod = require("@changesets/get-release-plan");
  plan = await (mod.default ?? mod)(root);
} catch (err) {
  problems.push(`the release plan cannot be computed: ${err.message}`);
}

if (plan !== undefined) {
  console.log(`${files.length} changeset(s); release plan:`);
  for (const r of plan.releases) {
    if (r.type === "none") continue;
    console.log(`  ${r.name}: ${r.oldVersion} → ${r.newVersion} (${r.type})`);
    const pkg = packages.get(r.name);
    if (r.type !== "none" && (pkg?.private === true || ignored(r.name)))
      problems.push(`${r.name} would be released but is ${pkg?.private ? "private" : "ignored"}`);
    if (r.type === "major" && !(asked.get(r.name) ?? []).includes("major")) {
      problems.push(
        `${r.name} would go to ${r.newVersion} (major) though no changeset asks for a major: a bump of a package it has as a peer dependency leaves the peer range. Widen the range (e.g. "workspace:^0.2.0" once @iw/core is 0.2.0) or bump it on purpose.`,
      );
    }
  }
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s) with the changesets:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log("changesets ok");
