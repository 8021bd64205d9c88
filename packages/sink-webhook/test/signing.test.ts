import { describe, expect, it } from "vitest";
import { IwConfigError } from "@iw/core";
import { checkWebhookSecrets, parseWebhookSecrets, signatureHeader, webhookIdFor } from "../src/signing.js";
import { SECRET_A, SECRET_B } from "./fixtures.js";

// The published Standard Webhooks test vector (used by the reference libraries' own tests).
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("signatureHeader", () => {
  it("reproduces the Standard Webhooks reference signature", () => {
    const keys = parseWebhookSecrets(VECTOR.secret);
    expect(signatureHeader(keys, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.signature);
  });

  it("signs with every secret, space-separated, in order (rotation)", () => {
    const keys = parseWebhookSecrets(`${VECTOR.secret}, ${SECRET_A}`);
    const header = signatureHeader(keys, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body));
    const parts = header.split(" ");
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(VECTOR.signature);
    expect(parts[1]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(parts[1]).not.toBe(parts[0]);
  });

  it("changes when one byte of the body changes", () => {
    const keys = parseWebhookSecrets(VECTOR.secret);
    expect(signatureHeader(keys, VECTOR.id, VECTOR.timestamp, Buffer.from('{"test": 2432232315}'))).not.toBe(VECTOR.signature);
  });
});

describe("parseWebhookSecrets", () => {
  it("accepts space- and comma-separated secrets", () => {
    expect(parseWebhookSecrets(`${SECRET_A} ${SECRET_B}`)).toHaveLength(2);
    expect(parseWebhookSecrets(`${SECRET_A},${SECRET_B}`)).toHaveLength(2);
  });

  it.each([
    ["no prefix", Buffer.alloc(32, 1).toString("base64"), 'does not start with "whsec_"'],
    ["bad base64", "whsec_not*base64!", "is not valid base64"],
    ["too short", `whsec_${Buffer.alloc(8, 1).toString("base64")}`, "decodes to 8 bytes"],
  ])("refuses a secret with %s, naming the variable and masking the value", (_, secret, why) => {
    let error: unknown;
    try {
      parseWebhookSecrets(`${SECRET_A} ${secret}`, "IW_WEBHOOK_SOC_SECRET");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IwConfigError);
    const message = (error as IwConfigError).message;
    expect(message).toContain("IW_WEBHOOK_SOC_SECRET=***");
    expect(message).toContain(`secret 2 of 2 ${why}`);
    expect(message).toContain("expected");
    expect(message).not.toContain(secret.slice(6, 16));
    expect(message).not.toContain(SECRET_A.slice(6, 16));
    expect((error as IwConfigError).variable).toBe("IW_WEBHOOK_SOC_SECRET");
  });

  it("never shows key bytes when the parsed keys are logged", () => {
    const keys = checkWebhookSecrets(SECRET_A);
    expect(JSON.stringify(keys)).not.toContain(SECRET_A.slice(6, 16));
    expect(String(keys)).toBe("whsec_***");
  });
});

describe("webhookIdFor", () => {
  it("is stable for a batch id and carries no dot", () => {
    expect(webhookIdFor("0190c2a4-7d7e-7abc-8def-0123456789ab")).toBe("msg_0190c2a4-7d7e-7abc-8def-0123456789ab");
    const odd = webhookIdFor("batch.1/2");
    expect(odd).toBe(webhookIdFor("batch.1/2"));
    expect(odd).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(odd).not.toBe(webhookIdFor("batch.1/3"));
  });
});
