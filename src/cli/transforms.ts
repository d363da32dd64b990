/**
 * `idprofiles transforms <sub>`: work with transform definitions from the command line.
 *
 *   transforms test FILE...        run test-vector files (shared/testdata/transforms format)
 *   transforms eval [options] [DEFINITION_FILE|-]
 *       --input VALUE              implicit input
 *       --account FILE             JSON: an account, a list of accounts, or an attribute map
 *                                  (then it answers every accountAttribute, as in vectors)
 *       --identity FILE            JSON attribute map of the identity
 *       --transforms FILE          JSON list of stored transforms ({name, type, attributes})
 *       --now ISO                  evaluation instant
 *
 * Exit codes: 0 ok, 1 failing vectors or evaluation/definition error, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { compileTransform, TransformCompileError, valueToText } from '../expr/index.js';
import { parseVectors, runVector, vectorContext, type TransformVector } from '../expr/vectors/harness.js';

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

const USAGE = `usage: idprofiles transforms test FILE...
       idprofiles transforms eval [--input VALUE] [--account FILE] [--identity FILE]
                                  [--transforms FILE] [--now ISO] [DEFINITION_FILE|-]
`;

/** Runs a `transforms` subcommand and returns the process exit code. */
export async function transformsCommand(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'test') return testCommand(rest, io);
  if (sub === 'eval') return evalCommand(rest, io);
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout.write(USAGE);
    return 0;
  }
  io.stderr.write(sub ? `unknown transforms command "${sub}"\n${USAGE}` : USAGE);
  return 2;
}

async function testCommand(files: string[], io: CommandIO): Promise<number> {
  if (files.length === 0) {
    io.stderr.write(USAGE);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let vectors: TransformVector[];
    try {
      vectors = parseVectors(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      io.stderr.write(`${file}: ${(e as Error).message}\n`);
      failed++;
      continue;
    }
    for (const v of vectors) {
      const outcome = runVector(v);
      if (outcome.pass) passed++;
      else failed++;
      io.stdout.write(
        outcome.pass ? `PASS ${v.name}\n` : `FAIL ${v.name}: expected ${outcome.expected}, got ${outcome.actual}\n`,
      );
    }
  }
  io.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

interface EvalOptions {
  input?: string;
  account?: string;
  identity?: string;
  transforms?: string;
  now?: string;
  definition?: string;
}

const FLAGS = new Set(['--input', '--account', '--identity', '--transforms', '--now']);

function parseEvalArgs(args: string[]): EvalOptions | string {
  const opts: EvalOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (FLAGS.has(arg)) {
      if (i + 1 >= args.length) return `${arg} needs a value`;
      opts[arg.slice(2) as keyof EvalOptions] = args[++i];
    } else if (arg.startsWith('--')) {
      return `unknown option ${arg}`;
    } else if (opts.definition === undefined) {
      opts.definition = arg;
    } else {
      return `unexpected argument ${arg}`;
    }
  }
  if (opts.now !== undefined && Number.isNaN(Date.parse(opts.now))) return `--now: "${opts.now}" is not a date`;
  return opts;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(file: string, io: CommandIO): Promise<unknown> {
  const text = file === '-' ? await readStream(io.stdin) : await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file === '-' ? 'standard input' : file}: invalid JSON (${(e as Error).message})`);
  }
}

/** Builds a vector-like description of the evaluation from the options. */
async function evalVector(opts: EvalOptions, io: CommandIO): Promise<TransformVector> {
  const v: TransformVector = {
    name: 'eval',
    transform: await readJson(opts.definition ?? '-', io),
    input: opts.input ?? null,
    now: opts.now,
  };
  if (opts.identity) v.identity = (await readJson(opts.identity, io)) as TransformVector['identity'];
  if (opts.transforms) v.transforms = (await readJson(opts.transforms, io)) as TransformVector['transforms'];
  if (opts.account) {
    const account = await readJson(opts.account, io);
    if (Array.isArray(account)) v.accounts = account as TransformVector['accounts'];
    else if (account && typeof account === 'object' && 'attributes' in account)
      v.accounts = [account as NonNullable<TransformVector['accounts']>[number]];
    else v.account = account as Record<string, unknown>;
  }
  return v;
}

async function evalCommand(args: string[], io: CommandIO): Promise<number> {
  const opts = parseEvalArgs(args);
  if (typeof opts === 'string') {
    io.stderr.write(`${opts}\n${USAGE}`);
    return 2;
  }
  let v: TransformVector;
  try {
    v = await evalVector(opts, io);
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const stored = new Map((Array.isArray(v.transforms) ? v.transforms : []).map((t) => [t.name, t]));
  try {
    const result = compileTransform(v.transform, { transforms: (name) => stored.get(name) }).evaluate(vectorContext(v));
    if (!result.ok) {
      io.stderr.write(`error at ${result.path || '(root)'}: ${result.error}\n`);
      return 1;
    }
    io.stdout.write(`${valueToText(result.value) ?? 'null'}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof TransformCompileError)) throw e;
    io.stderr.write(`invalid definition at ${e.path || '(root)'}: ${e.reason}\n`);
    return 1;
  }
}
