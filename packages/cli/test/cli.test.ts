import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

describe("iw-sinks (command line)", () => {
  it("lists the commands on --help and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["doctor", "test", "listen", "spool", "--json", "--env-file", "--timeout", "NO_COLOR"]) expect(r.stdout).toContain(c);
  });

  it("shows the variables a command reads on <command> --help", async () => {
    const r = await run(["doctor", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Variables read:");
    for (const v of [
      "IW_ELK_URL",
      "IW_FLUENTD_URL",
      "IW_WEBHOOK_URL",
      "@iw/sink-logstash",
      "IW_<SINK>_<NAME>_URL",
      "IW_SPOOL_DIR",
      "IW_SINKS_STRICT",
      "FORCE_COLOR",
    ])
      expect(r.stdout).toContain(v);
    expect(r.stdout).toMatch(/Exit status:\n {2}0 /);
    expect((await run(["help", "spool"])).stdout).toContain("IW_SPOOL_DIR");
    expect((await run(["listen", "-h"])).stdout).toContain("--shared-key KEY");
  });

  it("exits 2 with a hint on an unknown command, option or value", async () => {
    const unknown = await run(["doctr"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "doctr"; commands: doctor, test, listen, spool');
    const option = await run(["doctor", "--frobnicate"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("iw-sinks doctor: Unknown option '--frobnicate' (iw-sinks doctor --help)");
    const timeout = await run(["test", "--timeout", "soon"]);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout "soon": expected a duration such as 5000, 500ms, 5s or 1m');
    expect((await run([])).code).toBe(2);
  });

  it("prints its version", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("colours", () => {
  const offline = ["doctor", "--offline"];
  const env = { IW_ELK_URL: "http://127.0.0.1:9/" };
  const ansi = new RegExp(String.fromCharCode(27) + "\\[");

  it("are off when stdout is not a terminal", async () => {
    expect((await run(offline, env)).stdout).not.toMatch(ansi);
  });

  it("are on for a terminal, unless NO_COLOR is set; FORCE_COLOR forces them", async () => {
    const tty = (extra: Record<string, string>) =>
      run(offline, { ...env, ...extra }, { stdout: { isTTY: true, write: (t: string) => void (out += t) } });
    let out = "";
    await tty({});
    expect(out).toMatch(ansi);
    out = "";
    await tty({ NO_COLOR: "1" });
    expect(out).not.toMatch(ansi);
    expect((await run(offline, { ...env, FORCE_COLOR: "1" })).stdout).toMatch(ansi);
    out = "";
    await tty({ FORCE_COLOR: "0" });
    expect(out).not.toMatch(ansi);
  });
});

describe("--env-file", () => {
  const dir = mkdtempSync(join(tmpdir(), "iw-cli-envfile-"));

  it("configures the sinks from the file and ignores the process's IW_* variables", async () => {
    const file = join(dir, "prod.env");
    writeFileSync(
      file,
      "# the host's environment\nIW_WEBHOOK_URL=http://127.0.0.1:9/hook\nexport IW_WEBHOOK_SECRET='whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'\n",
    );
    const r = await run(["doctor", "--offline", "--env-file", file, "--json"], { IW_ELK_URL: "http://127.0.0.1:9/" }, { cwd: dir });
    const [report] = r.json<{ environment: string; sinks: { name: string }[] }>();
    expect(report!.sinks.map((s) => s.name)).toEqual(["webhook"]);
    expect(report!.environment).toBe(`${file}; process IW_* variables ignored`);
    expect(r.stdout).not.toContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  });

  it("resolves the file from the working directory and says when it is missing or not a file", async () => {
    writeFileSync(join(dir, "rel.env"), "IW_ELK_URL=http://127.0.0.1:9/\n");
    expect(
      (await run(["doctor", "--offline", "--env-file", "rel.env", "--json"], {}, { cwd: dir })).json<{ sinks: unknown[] }>()[0]!.sinks,
    ).toHaveLength(1);
    const missing = await run(["doctor", "--env-file", "nope.env"], {}, { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--env-file nope.env: no such file");
    const folder = await run(["doctor", "--env-file", dir], {}, { cwd: dir });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain("not a regular file");
  });
});
