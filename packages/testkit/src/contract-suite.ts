import { SINK_CONTRACT_CHECKS } from "./contract-checks.js";
import type { SinkContractFactory, SinkContractOptions } from "./contract-types.js";
import type * as VitestModule from "vitest";

type Vitest = typeof VitestModule;

// vitest is an optional peer dependency: importing @iw/testkit for its receivers must work
// without it, so it is loaded here, once, and only describeSinkContract needs it.
const vitest: Vitest | undefined = await import("vitest").catch(() => undefined);

/**
 * Declares the sink contract suite (a vitest `describe` block named `sink contract: <name>`,
 * one test per check of {@link SINK_CONTRACT_CHECKS}). Call it at the top level of a test file:
 *
 * ```ts
 * describeSinkContract("my-sink", async () => ({ sink, received, cleanup }));
 * ```
 *
 * `factory` runs once per check and must build a fresh sink and destination. A check that needs
 * a fault hook the harness does not offer is skipped, and one that runs weaker without it passes;
 * both print a warning naming the hook, so a missing hook is never mistaken for a pass.
 */
export function describeSinkContract(name: string, factory: SinkContractFactory, options?: SinkContractOptions): void {
  if (!vitest) throw new Error("describeSinkContract needs vitest (a peer dependency of @iw/testkit): install it in your project");
  const { describe, it } = vitest;
  describe(`sink contract: ${name}`, () => {
    for (const check of SINK_CONTRACT_CHECKS) {
      it(check.title, async (ctx) => {
        const outcome = await check.run(factory, options);
        const why = outcome.status === "skipped" ? `SKIPPED: ${outcome.reason}` : outcome.note;
        // A skipped test is easy to miss in a green run; the person running the suite must see it.
        // eslint-disable-next-line no-console
        if (why !== undefined) console.warn(`[@iw/testkit] sink contract "${name}", check ${check.id}: ${why}`);
        if (outcome.status === "skipped") ctx.skip(outcome.reason);
      });
    }
  });
}
