import { describe, expect, it } from "vitest";
import { openSpool } from "../../src/spool/index.js";
import { spoolsUnderTest } from "./spool-helpers.js";

const { tmp, track } = spoolsUnderTest();

// 100-byte payloads take 113 bytes; maxBytes 10000 leaves scan 7500 (default reserve: a quarter).
const body = "p".repeat(100);

describe("maxBytes", () => {
  it("refuses scan records first and still accepts audit records within the reserve, counting every refusal", async () => {
    const spool = await openSpool({ dir: await tmp.make(), maxBytes: 10_000 });
    track(spool);

    const scan = Array.from({ length: 100 }, () => spool.append(body, false));
    const audit = Array.from({ length: 30 }, () => spool.append(body, true));

    expect(scan.filter((s) => s !== undefined)).toHaveLength(66); // 66 * 113 = 7458 <= 7500
    expect(audit.filter((s) => s !== undefined)).toHaveLength(22); // 7458 + 22 * 113 = 9944 <= 10000
    expect(spool.stats()).toMatchObject({ refusedAudit: 8, refused: { spool_full: 42, too_large: 0, spool_failed: 0, spool_closed: 0 } });
  });

  it("accepts scan records again once acknowledged segments are deleted", async () => {
    const spool = await openSpool({ dir: await tmp.make(), maxBytes: 10_000 });
    track(spool);
    const seqs = Array.from({ length: 66 }, () => spool.append(body, false)!);
    expect(spool.append(body, false)).toBeUndefined();
    await spool.flush();

    for (const seq of seqs) spool.ack(seq);
    await spool.flush();

    expect(spool.stats().diskBytes).toBe(0);
    expect(spool.append(body, false)).toBeDefined();
  });

  it("refuses a record larger than a segment as too_large", async () => {
    const spool = await openSpool({ dir: await tmp.make(), segmentBytes: 4096 });
    track(spool);

    expect(spool.append("x".repeat(4096), true)).toBeUndefined();
    expect(spool.append("x".repeat(4096 - 24 - 13), true)).toBeDefined();
    expect(spool.stats().refused.too_large).toBe(1);
  });
});
