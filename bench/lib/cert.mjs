// A throw-away self-signed certificate for the loopback HTTPS servers of the benchmark.
// `openssl` when it is on the PATH; otherwise a minimal X.509 v3 certificate (EC P-256,
// SAN IP:127.0.0.1) is assembled in DER by hand and signed with node:crypto. Clients trust it
// through NODE_EXTRA_CA_CERTS in their own environment: TLS verification stays on everywhere.
import { execFileSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function hasOpenssl() {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// --- tiny DER encoder --------------------------------------------------------------------------
function len(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, ...parts) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...p) => tlv(0x30, ...p);
const set = (...p) => tlv(0x31, ...p);
const int = (buf) => tlv(0x02, buf[0] & 0x80 ? Buffer.concat([Buffer.from([0]), buf]) : buf);
const oid = (s) => {
  const [a, b, ...rest] = s.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const bytes = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
};
const utf8 = (s) => tlv(0x0c, Buffer.from(s, "utf8"));
const utcTime = (d) => tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
const ctx = (n, ...p) => tlv(0xa0 + n, ...p);

function derCertificate() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ecdsaSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const name = seq(set(seq(oid("2.5.4.3"), utf8("127.0.0.1"))));
  const now = Date.now();
  const san = seq(tlv(0x87, Buffer.from([127, 0, 0, 1])));
  const extensions = ctx(3, seq(
    seq(oid("2.5.29.19"), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff]))))),
    seq(oid("2.5.29.17"), tlv(0x04, san)),
  ));
  const tbs = seq(
    ctx(0, int(Buffer.from([2]))),
    int(Buffer.from([0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))])),
    ecdsaSha256,
    name,
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 2 * 86400_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`;
  new X509Certificate(pem); // throws if the encoding is wrong
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }), cert: pem };
}

/** Writes key.pem/cert.pem into `dir` and returns their paths and how they were made. */
export function makeCertificate(dir) {
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  let how = "node:crypto";
  if (hasOpenssl()) {
    try {
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyPath, "-out", certPath,
          "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        { stdio: "ignore" },
      );
      createPrivateKey(readFileSync(keyPath));
      how = "openssl";
    } catch {
      how = "node:crypto";
    }
  }
  if (how !== "openssl" || !existsSync(certPath)) {
    const { key, cert } = derCertificate();
    writeFileSync(keyPath, key, { mode: 0o600 });
    writeFileSync(certPath, cert);
  }
  return { keyPath, certPath, how };
}

// `node bench/lib/cert.mjs <dir> --node` makes the fallback certificate (used to test it).
if (import.meta.url === `file://${process.argv[1]}` && process.argv[3] === "--node") {
  const { key, cert } = derCertificate();
  mkdirSync(process.argv[2], { recursive: true });
  writeFileSync(join(process.argv[2], "key.pem"), key);
  writeFileSync(join(process.argv[2], "cert.pem"), cert);
  console.log(new X509Certificate(cert).subjectAltName);
}
