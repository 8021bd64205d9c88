import { describe, expect, it } from "vitest";
import { findInstances, looksActivated } from "../src/activation/index.js";

const OPTIONS = ["IW_WEBHOOK_URL", "IW_WEBHOOK_SECRET", "IW_WEBHOOK_TLS_VERIFY", "IW_WEBHOOK_CA_FILE"];

describe("named instances", () => {
  it("maps an instance's variables onto the base names, without the base's own", () => {
    const env = {
      IW_WEBHOOK_URL: "https://a",
      IW_WEBHOOK_SECRET: "s1",
      IW_WEBHOOK_SOC_URL: "https://soc",
      IW_WEBHOOK_SOC_SECRET: "s2",
      HOME: "/root",
    };
    const { instances, ignored } = findInstances(env, "IW_WEBHOOK_URL", OPTIONS);
    expect(ignored).toEqual([]);
    expect(instances.map((i) => [i.instance, i.activating])).toEqual([
      [undefined, "IW_WEBHOOK_URL"],
      ["SOC", "IW_WEBHOOK_SOC_URL"],
    ]);
    expect(instances[0]!.env).toEqual({ IW_WEBHOOK_URL: "https://a", IW_WEBHOOK_SECRET: "s1", HOME: "/root" });
    expect(instances[1]!.env).toEqual({ IW_WEBHOOK_URL: "https://soc", IW_WEBHOOK_SECRET: "s2", HOME: "/root" });
    expect(instances[1]!.realName("IW_WEBHOOK_SECRET")).toBe("IW_WEBHOOK_SOC_SECRET");
    expect(instances[1]!.realName("IW_WEBHOOK_CA_FILE")).toBe("IW_WEBHOOK_SOC_CA_FILE");
  });

  it("ignores names that are the first word of an option, and blank or lower-case ones", () => {
    const env = {
      IW_WEBHOOK_TLS_URL: "https://x",
      IW_WEBHOOK_BATCH_URL: "https://y",
      IW_WEBHOOK_Soc_URL: "https://z",
      IW_WEBHOOK_EU_URL: " ",
    };
    const { instances, ignored } = findInstances(env, "IW_WEBHOOK_URL", OPTIONS);
    expect(instances).toEqual([]);
    expect(ignored).toEqual(["IW_WEBHOOK_BATCH_URL", "IW_WEBHOOK_TLS_URL"]);
  });

  it("tells cheaply whether a plugin could be active", () => {
    expect(looksActivated({}, "IW_ELK_URL")).toBe(false);
    expect(looksActivated({ IW_ELK_URL: "" }, "IW_ELK_URL")).toBe(false);
    expect(looksActivated({ IW_ELK_EU1_URL: "http://x" }, "IW_ELK_URL")).toBe(true);
    expect(looksActivated({ IW_ELK_EU_1_URL: "http://x" }, "IW_ELK_URL")).toBe(false);
  });
});

describe("GLOBAL_VARIABLES", () => {
  it("lists exactly the variables of the global schema (the unknown-variable check relies on it)", async () => {
    const { GLOBAL_VARIABLES } = await import("../src/activation/env-instances.js");
    const { globalEnvSchema } = await import("../src/schema/index.js");
    const { objectShape } = await import("../src/sink/index.js");
    expect([...GLOBAL_VARIABLES].sort()).toEqual(Object.keys(objectShape(globalEnvSchema)!).sort());
  });
});
