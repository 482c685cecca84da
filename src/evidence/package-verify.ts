// Checks a referral package on its own, with no database and no network: the manifest's own
// checksum, every file's SHA-256 and size against the manifest, no file unlisted, every
// ledger record re-hashed, the records inside the chain proof, and every artefact a record
// names present in the package. Every problem is reported with the file it concerns.
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { z } from 'zod';
import { SHA256_RE, sha256Hex } from './canonical-json.ts';
import { checkChainProof, type LedgerRecord } from './ledger.ts';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_CHECKSUM_FILE = 'manifest.sha256';
export const PACKAGE_FORMAT = 'ipclue-referral-package';

const hash = z.string().regex(SHA256_RE, 'a lowercase hex SHA-256');

export const ManifestSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  version: z.literal(1),
  referenceNo: z.string(),
  generatedAt: z.string(),
  files: z.array(
    z.object({
      path: z.string().min(1),
      sha256: hash,
      size: z.number().int().min(0),
      contentType: z.string(),
      role: z.string(),
    }).passthrough(),
  ),
  ledger: z.object({
    records: z.array(
      z.object({
        seq: z.number().int().min(1),
        alertId: z.string(),
        kind: z.string(),
        artefacts: z.array(z.object({ name: z.string(), sha256: hash, size: z.number().int(), contentType: z.string() })),
        metadata: z.record(z.string(), z.unknown()),
        recordedAt: z.string(),
        prevHash: hash,
        recordHash: hash,
      }),
    ),
    chainProof: z.object({
      genesis: hash,
      links: z.array(z.object({ seq: z.number().int().min(1), prevHash: hash, recordHash: hash })),
      head: z.object({ seq: z.number().int().min(1), recordHash: hash }),
    }),
  }).passthrough(),
}).passthrough();

export type Manifest = z.infer<typeof ManifestSchema>;

export interface PackageProblem {
  /** the file in the package the problem concerns */
  file: string;
  message: string;
}

export interface PackageVerification {
  ok: boolean;
  problems: PackageProblem[];
  referenceNo: string | null;
  files: number;
  records: number;
  head: { seq: number; recordHash: string } | null;
}

export async function verifyPackage(zipPath: string): Promise<PackageVerification> {
  return verifyPackageBytes(await readFile(zipPath));
}

export async function verifyPackageBytes(bytes: Buffer): Promise<PackageVerification> {
  const problems: PackageProblem[] = [];
  const out = (manifest?: Manifest): PackageVerification => ({
    ok: problems.length === 0,
    problems,
    referenceNo: manifest?.referenceNo ?? null,
    files: manifest?.files.length ?? 0,
    records: manifest?.ledger.records.length ?? 0,
    head: manifest?.ledger.chainProof.head ?? null,
  });

  let zip: JSZip;
  try {
    // CRCs are not trusted for the verdict: the SHA-256s in the manifest are
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  } catch (err) {
    problems.push({ file: '(zip)', message: `not a readable ZIP archive: ${(err as Error).message}` });
    return out();
  }

  const read = async (name: string): Promise<Buffer | undefined> => {
    const entry = zip.file(name);
    if (!entry) return undefined;
    try {
      return await entry.async('nodebuffer');
    } catch (err) {
      problems.push({ file: name, message: `cannot be read from the archive (corrupted): ${(err as Error).message}` });
      return undefined;
    }
  };

  const manifestBytes = await read(MANIFEST_FILE);
  if (!manifestBytes) {
    if (!zip.file(MANIFEST_FILE)) problems.push({ file: MANIFEST_FILE, message: 'missing: not an ipclue referral package' });
    return out();
  }
  const checksum = await read(MANIFEST_CHECKSUM_FILE);
  if (!checksum) problems.push({ file: MANIFEST_CHECKSUM_FILE, message: 'missing' });
  else {
    const expected = checksum.toString('utf8').trim().split(/\s+/)[0];
    if (expected !== sha256Hex(manifestBytes)) {
      problems.push({ file: MANIFEST_FILE, message: `SHA-256 does not match ${MANIFEST_CHECKSUM_FILE}: the manifest has been modified` });
    }
  }
  let manifest: Manifest;
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(manifestBytes.toString('utf8')));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      problems.push({ file: MANIFEST_FILE, message: `not a valid manifest: ${i.path.join('.') || '(root)'}: ${i.message}` });
      return out();
    }
    manifest = parsed.data;
  } catch (err) {
    problems.push({ file: MANIFEST_FILE, message: `not valid JSON: ${(err as Error).message}` });
    return out();
  }

  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const name of Object.keys(zip.files)) {
    if (zip.files[name].dir || name === MANIFEST_FILE || name === MANIFEST_CHECKSUM_FILE) continue;
    if (!listed.has(name)) problems.push({ file: name, message: 'in the archive but not listed in the manifest' });
  }
  const present = new Set<string>();
  for (const f of manifest.files) {
    if (!zip.file(f.path)) {
      problems.push({ file: f.path, message: 'listed in the manifest but missing from the archive' });
      continue;
    }
    const data = await read(f.path);
    if (!data) continue;
    const actual = sha256Hex(data);
    if (actual !== f.sha256) {
      problems.push({ file: f.path, message: `SHA-256 mismatch: the manifest says ${f.sha256}, the file hashes to ${actual} (modified)` });
      continue;
    }
    if (data.length !== f.size) problems.push({ file: f.path, message: `size ${data.length} differs from the manifest's ${f.size}` });
    present.add(f.sha256);
  }

  const records = manifest.ledger.records as LedgerRecord[];
  const chain = checkChainProof(records, manifest.ledger.chainProof);
  if (chain) problems.push({ file: MANIFEST_FILE, message: chain });
  for (const r of records) {
    for (const a of r.artefacts) {
      if (!present.has(a.sha256) && !manifest.files.some((f) => f.sha256 === a.sha256)) {
        problems.push({ file: MANIFEST_FILE, message: `ledger record ${r.seq} names artefact ${a.name} ${a.sha256}, which the package does not contain` });
      }
    }
  }
  return out(manifest);
}
