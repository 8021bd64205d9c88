#!/usr/bin/env node
// Counts what each published entry point exports, from the built output (run `pnpm build` first):
// values are read from the runtime module (`import()` of dist), types from the .d.ts through the
// TypeScript compiler API (an export whose symbol has no value meaning is a type).
//
//   node scripts/count-exports.mjs            table per entry point
//   node scripts/count-exports.mjs --names    also list the names
//   node scripts/count-exports.mjs --json     machine-readable
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { entryPoints, publishedPackages } from "./dts-closure.mjs";

const showNames = process.argv.includes("--names");
const asJson = process.argv.includes("--json");

const entries = [...publishedPackages()].flatMap(([name, pkg]) =>
  entryPoints(name, pkg).map(({ entry, dts }) => {
    const subpath = entry === name ? "." : `./${entry.slice(name.length + 1)}`;
    return { specifier: entry, dts, js: join(pkg.dir, pkg.pkg.exports[subpath].default) };
  }),
);

const program = ts.createProgram(
  entries.map((e) => e.dts),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true },
);
const checker = program.getTypeChecker();

function declaredExports(dtsPath) {
  const file = program.getSourceFile(dtsPath);
  if (file === undefined) throw new Error(`cannot load ${dtsPath}: run pnpm build first`);
  const moduleSymbol = checker.getSymbolAtLocation(file);
  const values = [];
  const types = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    // `export type { SomeClass }` exports only the type, whatever the symbol also is.
    const typeOnly = symbol.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d)) ?? false;
    (target.flags & ts.SymbolFlags.Value && !typeOnly ? values : types).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

const rows = [];
for (const entry of entries) {
  const runtime = Object.keys(await import(pathToFileURL(entry.js).href)).sort();
  const declared = declaredExports(entry.dts);
  const mismatch = runtime.join() !== declared.values.join();
  rows.push({ entry: entry.specifier, values: runtime.length, types: declared.types.length, runtime, declared, mismatch });
}

if (asJson) {
  console.log(
    JSON.stringify(
      rows.map(({ entry, values, types, runtime, declared }) => ({ entry, values, types, valueNames: runtime, typeNames: declared.types })),
      null,
      2,
    ),
  );
} else {
  const width = Math.max(...rows.map((r) => r.entry.length));
  console.log(`${"entry point".padEnd(width)}  values  types`);
  for (const r of rows) {
    console.log(`${r.entry.padEnd(width)}  ${String(r.values).padStart(6)}  ${String(r.types).padStart(5)}`);
    if (r.mismatch) console.log(`  (runtime and .d.ts values differ: ${r.declared.values.length} declared)`);
    if (showNames) {
      console.log(`  values: ${r.runtime.join(", ")}`);
      console.log(`  types:  ${r.declared.types.join(", ")}`);
    }
  }
  const total = rows.reduce((sum, r) => ({ values: sum.values + r.values, types: sum.types + r.types }), { values: 0, types: 0 });
  console.log(`${"total".padEnd(width)}  ${String(total.values).padStart(6)}  ${String(total.types).padStart(5)}`);
}
