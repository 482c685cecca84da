// The referral package (线索移送证据包): one ZIP a receiving unit can check without ipclue.
//   artefacts/<sha256>.<ext>   every artefact of every capture of the alerts, as stored
//   referral-letter.html/.pdf  the 移送函
//   README.txt                 how to check the package
//   manifest.json              every file's SHA-256, the ledger records and the chain proof
//   manifest.sha256            the manifest's own SHA-256 (catches a damaged manifest)
// Only confirmed (or already referred) alerts are exported, and only with intact evidence:
// an artefact that fails its hash or a record that fails the chain stops the export.
import JSZip from 'jszip';
import type { Kysely } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { ArtefactError, type ArtefactStore } from './artefact-store.ts';
import { sha256Hex } from './canonical-json.ts';
import { launchEvidenceBrowser } from './capture.ts';
import { alertIdsOfClue, loadDossier, recordExport } from './dossier.repository.ts';
import { chainProof, listLedgerRecords } from './ledger.repository.ts';
import { checkChainProof, LEDGER_FORMAT } from './ledger.ts';
import { MANIFEST_CHECKSUM_FILE, MANIFEST_FILE, PACKAGE_FORMAT, type Manifest } from './package-verify.ts';
import { renderLetterPdf, renderReferralLetter } from './referral-letter.ts';

const EXPORTABLE = new Set(['confirmed', 'referred']);

export interface ExportRequest {
  alertId?: string;
  clueId?: string;
  actor: { id: string | null; kind: 'user' | 'system' };
  /** the receiving unit named in the letter */
  recipient?: string | null;
  now?: Date;
}

export interface ReferralPackage {
  zip: Buffer;
  fileName: string;
  sha256: string;
  referenceNo: string;
  manifest: Manifest;
}

const EXT: Record<string, string> = { 'image/png': 'png', 'application/json': 'json' };
function extFor(contentType: string): string {
  const base = contentType.split(';')[0].trim().toLowerCase();
  if (EXT[base]) return EXT[base];
  if (base === 'text/html') return 'html';
  if (base.startsWith('text/')) return 'txt';
  return 'bin';
}

export async function buildReferralPackage(
  deps: { db: Kysely<Database>; store: ArtefactStore; config: Config; browser?: Browser },
  req: ExportRequest,
): Promise<ReferralPackage> {
  const { db, store } = deps;
  if (Boolean(req.alertId) === Boolean(req.clueId)) throw new AppError('bad_request', 'give either an alert or a clue to export (exactly one)');
  const now = req.now ?? new Date();

  let alertIds: string[];
  if (req.clueId) {
    const clue = await alertIdsOfClue(db, req.clueId);
    if (clue.status !== 'confirmed') throw new AppError('conflict', `clue ${req.clueId} is ${clue.status}: only a confirmed clue can be referred`);
    alertIds = clue.alertIds;
    if (alertIds.length === 0) throw new AppError('conflict', `clue ${req.clueId} has no confirmed alert with captured evidence`);
  } else {
    alertIds = [req.alertId!];
  }

  const alerts = await loadDossier(db, alertIds);
  if (alerts.length === 0) throw new AppError('not_found', `no alert ${req.alertId}`);
  for (const a of alerts) {
    if (!EXPORTABLE.has(a.status)) throw new AppError('conflict', `alert ${a.id} is ${a.status}: only a confirmed alert can be referred (confirm it first)`);
  }
  const records = await listLedgerRecords(db, { alertIds });
  for (const a of alerts) {
    if (!records.some((r) => r.alertId === a.id)) throw new AppError('conflict', `alert ${a.id} has no captured evidence yet: capture it first`);
  }
  const proof = await chainProof(db, records.map((r) => r.seq));
  const broken = checkChainProof(records, proof);
  if (broken) throw new AppError('conflict', `the evidence ledger fails its check (${broken}); run \`ipclue evidence verify\``);

  const zip = new JSZip();
  const date = now;
  const files: Manifest['files'] = [];
  const add = (path: string, bytes: Buffer, contentType: string, role: string, extra: Record<string, unknown> = {}) => {
    // PNGs are already compressed: stored as they are (and findable byte for byte in the ZIP)
    zip.file(path, bytes, { date, binary: true, compression: contentType === 'image/png' ? 'STORE' : 'DEFLATE' });
    files.push({ path, sha256: sha256Hex(bytes), size: bytes.length, contentType, role, ...extra });
  };

  const artefactPaths = new Map<string, string>();
  for (const r of records) {
    for (const a of r.artefacts) {
      if (artefactPaths.has(a.sha256)) continue;
      let bytes: Buffer;
      try {
        bytes = await store.get(a.sha256);
      } catch (err) {
        if (err instanceof ArtefactError) throw new AppError('conflict', `evidence of ledger record ${r.seq} is damaged: ${err.message}`);
        throw err;
      }
      const path = `artefacts/${a.sha256}.${extFor(a.contentType)}`;
      artefactPaths.set(a.sha256, path);
      add(path, bytes, a.contentType, 'artefact', { artefact: a.name, alertId: r.alertId, ledgerSeq: r.seq });
    }
  }

  const stamp = new Date(now.getTime() + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 12);
  const referenceNo = `IPC-${stamp.slice(0, 8)}-${stamp.slice(8)}-${req.clueId ? `C${req.clueId}` : `A${req.alertId}`}`;
  const letterHtml = renderReferralLetter({
    referenceNo,
    issuedAt: now,
    recipient: req.recipient ?? null,
    clueId: req.clueId ?? null,
    alerts,
    records,
    head: proof.head,
    artefactPaths,
  });
  const browser = deps.browser ?? (await launchEvidenceBrowser(deps.config.CHROMIUM_PATH));
  let pdf: Buffer;
  try {
    pdf = await renderLetterPdf(browser, letterHtml);
  } finally {
    if (!deps.browser) await browser.close().catch(() => undefined);
  }
  add('referral-letter.html', Buffer.from(letterHtml, 'utf8'), 'text/html; charset=utf-8', 'letter');
  add('referral-letter.pdf', pdf, 'application/pdf', 'letter');
  add('README.txt', Buffer.from(readme(referenceNo), 'utf8'), 'text/plain; charset=utf-8', 'readme');

  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    version: 1,
    referenceNo,
    generatedAt: now.toISOString(),
    generator: 'ipclue',
    clueId: req.clueId ?? null,
    alerts: alerts.map((a) => ({
      id: a.id,
      status: a.status,
      mark: { name: a.mark.name, registrationNo: a.mark.registrationNo, owner: a.mark.owner },
      listing: { url: a.listing.url, title: a.listing.title, price: a.listing.price, currency: a.listing.currency },
      seller: { name: a.seller.name, platform: a.seller.platform, externalId: a.seller.externalId },
    })),
    files,
    ledger: {
      format: LEDGER_FORMAT,
      recordHash: 'sha256(canonical JSON of {v, seq, alertId, kind, artefacts, metadata, recordedAt, prevHash}; keys sorted, no whitespace)',
      records,
      chainProof: proof,
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  zip.file(MANIFEST_FILE, manifestBytes, { date, compression: 'DEFLATE' });
  zip.file(MANIFEST_CHECKSUM_FILE, `${sha256Hex(manifestBytes)}  ${MANIFEST_FILE}\n`, { date, compression: 'STORE' });
  const out = await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compressionOptions: { level: 6 } });
  const sha256 = sha256Hex(out);

  // the export goes into each alert's (append-only) history, and the clue's
  await recordExport(db, {
    alertIds: alerts.map((a) => a.id),
    clueId: req.clueId ?? null,
    actor: req.actor,
    note: `证据包 ${referenceNo}${req.recipient ? ` 移送 ${req.recipient}` : ''}`,
    data: (alertId) => ({
      referenceNo,
      packageSha256: sha256,
      manifestSha256: sha256Hex(manifestBytes),
      clueId: req.clueId ?? null,
      recipient: req.recipient ?? null,
      ledgerSeqs: alertId ? records.filter((r) => r.alertId === alertId).map((r) => r.seq) : records.map((r) => r.seq),
      head: proof.head,
    }),
  });

  return { zip: out, fileName: `${referenceNo}.zip`, sha256, referenceNo, manifest };
}

function readme(referenceNo: string): string {
  return `ipclue 线索移送证据包 ${referenceNo}
==========================================

本证据包包含：
  referral-letter.pdf / .html  移送函
  artefacts/                   电子存证文件（文件名即其 SHA-256）
  manifest.json                文件清单（每个文件的 SHA-256）、存证账本记录与哈希链证明
  manifest.sha256              manifest.json 自身的 SHA-256

核验方法（无需连接 ipclue 数据库）：
  ipclue evidence verify-package ${referenceNo}.zip
或手工核验：
  1. sha256sum manifest.json，与 manifest.sha256 比对；
  2. 对 manifest.json "files" 中的每个文件计算 SHA-256 并比对；
  3. 对 "ledger.records" 中的每条记录，按 "ledger.recordHash" 所述方法重新计算哈希，
     应等于该记录的 recordHash，且与 "chainProof.links" 中同序号的链接一致；
     链接逐条相连（每条的 prevHash 等于上一条的 recordHash）。

How to check (no ipclue database needed): run \`ipclue evidence verify-package FILE.zip\`, or
hash every file listed in manifest.json and recompute each ledger record hash as described in
manifest.json "ledger.recordHash".
`;
}
