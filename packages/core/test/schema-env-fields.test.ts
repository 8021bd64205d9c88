import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envBool, envEnum, envFile, envHeaders, envInt, envString, envUrlList } from "@iw/core/sink-kit";

describe("env field builders", () => {
  it("parse booleans in the usual spellings and reject others", () => {
    const f = envBool(true);
    expect(f.parse(undefined)).toBe(true);
    expect(f.parse("OFF")).toBe(false);
    expect(f.parse("yes")).toBe(true);
    expect(f.safeParse("maybe").success).toBe(false);
    expect(f.description).toMatch(/true or false; default true/);
  });

  it("bound whole numbers", () => {
    const f = envInt(500, 1, 10_000);
    expect(f.parse("20")).toBe(20);
    expect(f.parse(undefined)).toBe(500);
    for (const bad of ["0", "10001", "1.5", "abc", "1e3"]) expect(f.safeParse(bad).success).toBe(false);
  });

  it("match enums case-insensitively and return the canonical spelling", () => {
    const f = envEnum(["POST", "PUT"] as const, "POST");
    expect(f.parse("put")).toBe("PUT");
    expect(f.safeParse("GET").success).toBe(false);
    expect(f.description).toBe("one of POST, PUT; default POST");
  });

  it("refuse CR/LF in strings", () => {
    expect(envString("a tag").safeParse("a\nb").success).toBe(false);
  });

  it("read URL lists and check schemes", () => {
    const f = envUrlList(["http", "https"]);
    expect(f.parse("http://a:1, https://b:2").map(String)).toEqual(["http://a:1/", "https://b:2/"]);
    expect(f.safeParse("ftp://a").success).toBe(false);
    expect(f.safeParse("not a url").success).toBe(false);
    expect(f.safeParse(" , ").success).toBe(false);
  });

  it("read files at parse time and report unreadable ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "iw-env-"));
    const file = join(dir, "ca.pem");
    writeFileSync(file, "PEM");
    expect(envFile("CA").parse(file)?.contents.toString()).toBe("PEM");
    const r = envFile("CA").safeParse(join(dir, "missing.pem"));
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("ENOENT");
  });

  it("parse header lists and refuse injection", () => {
    expect(envHeaders("IW_ELK_HEADERS").parse("A=1")).toEqual({ A: "1" });
    expect(envHeaders("IW_ELK_HEADERS").safeParse("A=1%0A").success).toBe(false);
  });
});
