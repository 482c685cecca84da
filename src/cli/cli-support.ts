// What every CLI command shares: where its output goes (tests pass their own), and a context
// opened for the command and closed after it.
import { loadConfig } from '../config/config.ts';
import { createContext, type AppContext } from '../context.ts';

export interface CommandIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export const processIo: CommandIo = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
};

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await createContext(loadConfig());
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
