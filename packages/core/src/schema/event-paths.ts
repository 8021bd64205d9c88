import { AuditEventSchema, ScanLogSchema, SummaryEventSchema } from "./events.js";

/** A zod schema, seen structurally (its `_zod.def`). */
interface SchemaLike {
  readonly _zod?: { readonly def: Record<string, unknown> };
}

/*
 * Which dotted paths name a field of the event model, read from the zod schemas so the check
 * cannot drift from them. Arrays are traversed (`matches.matched_text`); a free-form record
 * (`details`) accepts any sub-path.
 */

const EVENT_SCHEMAS: readonly unknown[] = [ScanLogSchema, AuditEventSchema, SummaryEventSchema];

/** True when `path` (`matches.matched_text`, `details.prompt`) names a field of some event type. */
export function isEventPath(path: string): boolean {
  const segments = path.split(".");
  return EVENT_SCHEMAS.some((schema) => walk(schema as SchemaLike, segments, 0));
}

/** Every top-level and nested field name of the event model, for suggestions (`matches.matched_text`). */
export function eventPaths(): string[] {
  const out = new Set<string>();
  const visit = (schema: SchemaLike | undefined, prefix: string, depth: number): void => {
    const node = unwrap(schema);
    if (node === undefined || depth > 3) return;
    const def = node._zod!.def;
    if (def["type"] === "array") return visit(def["element"] as SchemaLike, prefix, depth);
    if (def["type"] !== "object") return;
    for (const [key, field] of Object.entries(def["shape"] as Record<string, SchemaLike>)) {
      out.add(prefix + key);
      visit(field, `${prefix}${key}.`, depth + 1);
    }
  };
  for (const schema of EVENT_SCHEMAS) visit(schema as SchemaLike, "", 0);
  return [...out];
}

function walk(schema: SchemaLike | undefined, segments: readonly string[], i: number): boolean {
  const node = unwrap(schema);
  if (node === undefined) return false;
  const def = node._zod!.def;
  const type = def["type"];
  if (type === "array") return walk(def["element"] as SchemaLike, segments, i);
  if (i === segments.length) return true;
  if (type === "record" || type === "unknown" || type === "any") return true;
  if (type !== "object") return false;
  const field = (def["shape"] as Record<string, SchemaLike>)[segments[i]!];
  return field !== undefined && Object.prototype.hasOwnProperty.call(def["shape"], segments[i]!) && walk(field, segments, i + 1);
}

/** Looks through optional, nullable, default and pipe wrappers. */
function unwrap(schema: SchemaLike | undefined): SchemaLike | undefined {
  let s = schema;
  for (let depth = 0; s?._zod !== undefined && depth < 10; depth++) {
    const def = s._zod.def;
    const inner = def["innerType"] ?? (def["type"] === "pipe" ? def["in"] : undefined);
    if (inner === undefined || inner === null || typeof inner !== "object") return s;
    s = inner;
  }
  return s;
}
