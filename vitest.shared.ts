import type { UserWorkspaceConfig } from "vitest/config";

/**
 * Shared vitest project settings. Tests resolve workspace packages through the
 * `@iw/source` export condition, so they run against `src/` without a build. Vitest hands
 * these conditions to Node itself (`--conditions`), so no bundler-only condition such as
 * `module`: `@opentelemetry/api` 1.9 maps it to an ESM build Node cannot load.
 */
export function iwProject(name: string): UserWorkspaceConfig {
  const conditions = ["@iw/source", "node", "import", "default"];
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["@iw/source"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      environment: "node",
      testTimeout: 20_000,
      hookTimeout: 20_000,
    },
  };
}
