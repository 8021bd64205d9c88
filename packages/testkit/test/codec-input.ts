import type { decodeLogstashBody } from "../src/index.js";

export type DecodeInputForTest = Parameters<typeof decodeLogstashBody>[0];

/** A JSON request from 127.0.0.1, ECS on, with `overrides`. */
export function input(overrides: Partial<DecodeInputForTest>): DecodeInputForTest {
  return {
    body: Buffer.from("{}"),
    headers: { "content-type": "application/json", host: "127.0.0.1:8080" },
    method: "POST",
    url: "/",
    httpVersion: "1.1",
    remoteAddress: "127.0.0.1",
    codec: "plain",
    ecs: true,
    ...overrides,
  };
}
