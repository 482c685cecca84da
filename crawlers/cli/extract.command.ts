// `ipclue extract`: try a source definition (or the generic extractor) on a saved page and
// print the listings found as JSON Lines, decoding the file's bytes exactly as the fetcher
// does. Bad input exits with code 2 and one line on stderr saying what is wrong.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { processIo, type CommandIo } from '../../src/cli/cli-support.ts';
import { decodeBody } from '../fetch/decode.ts';
import { extractAuto, extractDetail, extractListings } from '../extract/index.ts';
import { loadSourceFile, SourceFileError } from '../sources/load-sources.ts';

export interface ExtractCommandOptions {
  source?: string;
  auto?: boolean;
  url?: string;
  detail?: boolean;
  contentType?: string;
}


class BadInput extends Error {}

/** Runs the command; returns the exit code (0 ok, 2 bad input). Never throws on bad input. */
export async function runExtractCommand(page: string | undefined, opts: ExtractCommandOptions, io: CommandIo = processIo): Promise<number> {
  try {
    if (!page) throw new BadInput('missing PAGE: give the saved page file to read');
    if (Boolean(opts.source) === Boolean(opts.auto)) throw new BadInput('give either --source SOURCE_FILE or --auto (exactly one)');
    if (opts.detail && !opts.source) throw new BadInput('--detail needs --source (it reads the source\'s detail rules)');
    if (opts.url !== undefined && !isHttpUrl(opts.url)) throw new BadInput(`--url must be an absolute http(s) URL, got "${opts.url}"`);

    let bytes: Buffer;
    try {
      bytes = await readFile(page);
    } catch (err) {
      throw new BadInput(`cannot read page file ${page}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const { text } = decodeBody(bytes, opts.contentType);

    if (opts.auto) {
      const url = opts.url ?? pathToFileURL(path.resolve(page)).href;
      const result = extractAuto({ url, body: text, contentType: opts.contentType });
      for (const listing of result.listings) io.stdout(JSON.stringify(listing));
      for (const e of result.errors) io.stderr(`warning: ${e}`);
      return 0;
    }

    let source;
    try {
      source = await loadSourceFile(opts.source!);
    } catch (err) {
      if (err instanceof SourceFileError) throw new BadInput(`invalid source ${err.message}`);
      throw err;
    }
    const url = opts.url ?? source.startUrls[0] ?? source.baseUrl;
    // the fetcher decodes with the source's charset override when it has one
    const body = source.charset ? decodeBody(bytes, `text/html; charset=${source.charset}`).text : text;
    if (opts.detail) {
      const result = extractDetail({ url, body, contentType: opts.contentType }, source);
      if (result.listing) io.stdout(JSON.stringify(result.listing));
      for (const e of result.errors) io.stderr(`warning: ${e}`);
      return 0;
    }
    const result = extractListings({ url, body, contentType: opts.contentType }, source);
    for (const listing of result.listings) io.stdout(JSON.stringify(listing));
    for (const e of result.errors) io.stderr(`warning: ${e}`);
    if (result.nextPageUrl) io.stderr(`next page: ${result.nextPageUrl}`);
    return 0;
  } catch (err) {
    if (err instanceof BadInput) {
      io.stderr(`ipclue extract: ${oneLine(err.message)}`);
      return 2;
    }
    io.stderr(`ipclue extract: unexpected error: ${oneLine((err as Error).message)}`);
    return 1;
  }
}

export function registerExtractCommands(program: import('commander').Command): void {
  const cmd: Command = program
    .command('extract')
    .description('extract listings from a saved page with a source definition (or --auto) and print them as JSON Lines')
    .argument('[page]', 'saved page file (HTML, or JSON for json/response sources)')
    .option('--source <file>', 'source definition file (JSON or YAML)')
    .option('--auto', 'generic extraction: schema.org JSON-LD, microdata, OpenGraph, inline JSON')
    .option('--url <url>', 'URL the page was fetched from (resolves relative links)')
    .option('--detail', "read the page as a detail page with the source's detail rules")
    .option('--content-type <type>', 'Content-Type header the page was served with (its charset wins)')
    .action(async (page: string | undefined, opts: ExtractCommandOptions) => {
      process.exitCode = await runExtractCommand(page, opts);
    });
  // commander's own usage errors (unknown option, missing option value) are bad input too:
  // it has already printed its one-line message, so only the exit code changes
  cmd.exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
