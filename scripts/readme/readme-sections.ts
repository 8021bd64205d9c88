import { readFileSync, writeFileSync } from "node:fs";

/**
 * Replaces what stands between `<!-- name:start -->` and `<!-- name:end -->` in `text` with
 * `body`. Throws when the markers are missing or out of order.
 */
export function replaceMarkedSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`the markers ${start} … ${end} are missing or out of order`);
  return `${text.slice(0, i)}${start}\n${body.trimEnd()}\n${end}${text.slice(j + end.length)}`;
}

/**
 * Keeps generated sections of a README (the environment tables rendered from the schemas) in
 * step with their source. Returns the names of the stale sections; with `update`, rewrites the
 * file instead. Sink packages call it from a test, so a stale table fails CI and
 * `IW_UPDATE_README=1` regenerates it.
 */
export function syncReadmeSections(
  file: string | URL,
  sections: Readonly<Record<string, string>>,
  options: { update?: boolean } = {},
): string[] {
  const before = readFileSync(file, "utf8");
  let text = before;
  const stale: string[] = [];
  for (const [name, body] of Object.entries(sections)) {
    const next = replaceMarkedSection(text, name, body);
    if (next !== text) stale.push(name);
    text = next;
  }
  if (options.update === true && text !== before) {
    writeFileSync(file, text);
    return [];
  }
  return stale;
}
