import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/** A certificate and its private key (PKCS#8), PEM. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** Everything a TLS / mTLS test needs, generated at test time. */
export interface TestCertificates {
  /** The test CA: trust it with `*_CA_FILE`. */
  readonly ca: PemPair;
  /** Server certificate signed by `ca`, SAN `127.0.0.1`, `::1` and `localhost`. */
  readonly server: PemPair;
  /** Client certificate (extended key usage clientAuth) signed by `ca`, CN `iw-test-client`. */
  readonly client: PemPair;
  /** A second CA that has nothing to do with `ca`: trusting it must make verification fail. */
  readonly otherCa: PemPair;
  /** A client certificate signed by `otherCa`: an mTLS server trusting `ca` must refuse it. */
  readonly otherClient: PemPair;
  /** Signed by `ca` but only for `wrong.example.invalid`: hostname verification must fail. */
  readonly serverWrongHost: PemPair;
  /** Signed by `ca`, SAN 127.0.0.1/localhost, expired yesterday. */
  readonly serverExpired: PemPair;
}

const DAY_MS = 86_400_000;
const ALGORITHM = { keyType: "ec", curve: "P-256", algorithm: "sha256" } as const;

/**
 * Generates a CA, a server certificate for 127.0.0.1/localhost, a client certificate, an
 * unrelated second CA (with its own client), a wrong-hostname and an expired server
 * certificate. EC P-256 keys, so the whole set takes a few tens of milliseconds.
 */
export async function generateTestCertificates(): Promise<TestCertificates> {
  const [ca, otherCa] = await Promise.all([makeCa("iw test CA"), makeCa("iw unrelated CA")]);
  const localNames = [
    { type: 2 as const, value: "localhost" },
    { type: 7 as const, ip: "127.0.0.1" },
    { type: 7 as const, ip: "::1" },
  ];
  const [server, client, otherClient, serverWrongHost, serverExpired] = await Promise.all([
    makeLeaf(ca, "localhost", "server", localNames),
    makeLeaf(ca, "iw-test-client", "client", [{ type: 2, value: "iw-test-client" }]),
    makeLeaf(otherCa, "iw-other-client", "client", [{ type: 2, value: "iw-other-client" }]),
    makeLeaf(ca, "wrong.example.invalid", "server", [{ type: 2, value: "wrong.example.invalid" }]),
    makeLeaf(ca, "localhost", "server", localNames, {
      notBeforeDate: new Date(Date.now() - 30 * DAY_MS),
      notAfterDate: new Date(Date.now() - DAY_MS),
    }),
  ]);
  return { ca, server, client, otherCa, otherClient, serverWrongHost, serverExpired };
}

async function makeCa(commonName: string): Promise<PemPair> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    ...ALGORITHM,
    notBeforeDate: new Date(Date.now() - DAY_MS),
    notAfterDate: new Date(Date.now() + 30 * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

async function makeLeaf(
  issuer: PemPair,
  commonName: string,
  usage: "server" | "client",
  altNames: AltName[],
  dates: { notBeforeDate?: Date; notAfterDate?: Date } = {},
): Promise<PemPair> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    ...ALGORITHM,
    notBeforeDate: dates.notBeforeDate ?? new Date(Date.now() - DAY_MS),
    notAfterDate: dates.notAfterDate ?? new Date(Date.now() + 30 * DAY_MS),
    ca: { cert: issuer.cert, key: issuer.key },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      usage === "server" ? { name: "extKeyUsage", serverAuth: true } : { name: "extKeyUsage", clientAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Paths of {@link writeTestCertificates}' files, and how to remove them. */
export interface TestCertificateFiles {
  /** The temporary directory holding every file. */
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly otherCaFile: string;
  readonly otherClientCertFile: string;
  readonly otherClientKeyFile: string;
  /** Removes the directory. Idempotent. */
  cleanup(): Promise<void>;
}

/**
 * Writes the certificates as PEM files in a new temporary directory (mode 0600), for options
 * that take file paths (`IW_ELK_CA_FILE`, `IW_ELK_CERT_FILE`, `IW_ELK_KEY_FILE`, …). Call
 * `cleanup()` in `afterEach`/`afterAll`.
 */
export async function writeTestCertificates(certs: TestCertificates, prefix = "iw-testkit-certs-"): Promise<TestCertificateFiles> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const files = {
    caFile: ["ca.pem", certs.ca.cert],
    serverCertFile: ["server.pem", certs.server.cert],
    serverKeyFile: ["server-key.pem", certs.server.key],
    clientCertFile: ["client.pem", certs.client.cert],
    clientKeyFile: ["client-key.pem", certs.client.key],
    otherCaFile: ["other-ca.pem", certs.otherCa.cert],
    otherClientCertFile: ["other-client.pem", certs.otherClient.cert],
    otherClientKeyFile: ["other-client-key.pem", certs.otherClient.key],
  } as const;
  const paths: Record<string, string> = {};
  await Promise.all(
    Object.entries(files).map(async ([field, [name, pem]]) => {
      const path = join(dir, name);
      await writeFile(path, pem, { mode: 0o600 });
      paths[field] = path;
    }),
  );
  return {
    dir,
    ...(paths as Omit<TestCertificateFiles, "dir" | "cleanup">),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
