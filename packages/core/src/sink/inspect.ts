/*
 * Reading a plugin's zod schema without depending on the zod copy that built it (a sink may
 * bring its own): only the stable `_zod.def` structure and `.description` are used.
 */

/** A schema, seen structurally: its expected form, if it has one. */
export interface SchemaLike {
  readonly description?: string | undefined;
}

/** What is read of a zod 4 schema besides its description. */
interface Introspectable extends SchemaLike {
  readonly _zod?: { readonly def: Record<string, unknown> };
}

const WRAPPERS = ["innerType", "in", "schema"] as const;

/**
 * The fields of the object at the heart of a schema (unwrapping `.transform()`, `.pipe()`,
 * `.optional()`, `.default()`, …), or `undefined` if there is none.
 */
export function objectShape(schema: unknown): Record<string, SchemaLike> | undefined {
  let s = schema as Introspectable | undefined;
  for (let depth = 0; s?._zod !== undefined && depth < 10; depth++) {
    const def = s._zod.def;
    if (def["type"] === "object") {
      const shape = def["shape"];
      return shape !== null && typeof shape === "object" ? (shape as Record<string, SchemaLike>) : undefined;
    }
    s = innerOf(def);
  }
  return undefined;
}

/** A field's `.describe()` text, looking through wrappers when the outer one has none. */
export function describeField(field: SchemaLike | undefined): string | undefined {
  let s: Introspectable | undefined = field;
  for (let depth = 0; s !== undefined && depth < 10; depth++) {
    if (typeof s.description === "string" && s.description !== "") return s.description;
    const def = s._zod?.def;
    if (def === undefined) return undefined;
    s = innerOf(def);
  }
  return undefined;
}

/** The schema a wrapper (pipe, optional, default, …) wraps. */
function innerOf(def: Record<string, unknown>): Introspectable | undefined {
  for (const key of WRAPPERS) {
    const v = def[key];
    if (v !== null && typeof v === "object") return v;
  }
  return undefined;
}
