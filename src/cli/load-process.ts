import { constants, openAsBlob } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { followTask, type TaskView } from './progress.js';
import { connect, remoteOptionsFrom, resolveByIdOrName, RemoteError } from './remote.js';

const REMOTE_OPTIONS = {
  url: { type: 'string' as const },
  'client-id': { type: 'string' as const },
  'client-secret': { type: 'string' as const },
};

const LOAD_USAGE =
  'Usage: idprofiles load SOURCE FILE.csv [--dry-run] [--allow-deletes N] [--url URL] [--client-id ID --client-secret SECRET]';

/**
 * `idprofiles load SOURCE FILE.csv`: uploads accounts to a running server and follows the load;
 * `--dry-run` prints what the load would do instead, `--allow-deletes N` lets it remove up to N
 * accounts whatever the source's deleteThreshold. A file that cannot be read is reported (exit 2)
 * before anything is sent.
 */
export async function runLoad(
  args: string[],
  out: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...REMOTE_OPTIONS, 'dry-run': { type: 'boolean' }, 'allow-deletes': { type: 'string' } },
  });
  if (positionals.length !== 2) throw new RemoteError(LOAD_USAGE);
  const [sourceRef, path] = positionals;
  const allowDeletes = values['allow-deletes'];
  if (allowDeletes !== undefined && !/^\d{1,9}$/.test(allowDeletes)) {
    err.write(`--allow-deletes needs a number of accounts (0 or more); got '${allowDeletes}'.\n`);
    return 2;
  }
  const fileProblem = await unreadable(path);
  if (fileProblem) {
    err.write(`Cannot load '${path}': ${fileProblem}\n`);
    return 2;
  }
  const remote = await connect(remoteOptionsFrom(values, process.env));
  const source = await resolveByIdOrName(remote, '/v3/sources', 'source', sourceRef);
  const form = new FormData();
  form.append('file', await openAsBlob(path, { type: 'text/csv' }), basename(path));
  const dryRun = values['dry-run'] === true;
  out.write(`${dryRun ? 'Dry run: uploading' : 'Uploading'} ${path} to source '${source.name}'…\n`);
  const query = [dryRun ? 'dryRun=true' : '', allowDeletes !== undefined ? `allowDeletes=${Number(allowDeletes)}` : '']
    .filter(Boolean)
    .join('&');
  const { body } = await remote.call<{ task: TaskView }>(
    'POST',
    `/v3/sources/${source.id}/load-accounts${query ? `?${query}` : ''}`,
    { body: form },
  );
  const task = await followTask(remote, body.task.id, dryRun ? 'dry run' : 'load', out);
  const r = task.result ?? {};
  if (dryRun) printPreview(r, out);
  else if (r.refused) out.write(`${task.completionStatus}: nothing was applied.\n`);
  else
    out.write(
      `${task.completionStatus}: ${r.rows ?? 0} rows — ${r.added ?? 0} added, ${r.updated ?? 0} updated, ${r.unchanged ?? 0} unchanged, ${r.removed ?? 0} removed, ${r.rejected ?? 0} rejected; ${r.identitiesCreated ?? 0} new identities, ${r.identitiesRemoved ?? 0} removed.\n`,
    );
  for (const rej of (r.rejections ?? []).slice(0, 20)) out.write(`  line ${rej.line}: ${rej.reason}\n`);
  if ((r.rejections?.length ?? 0) > 20)
    out.write(`  … ${r.rejections.length - 20} more rejected rows (see the task status)\n`);
  for (const m of task.messages.filter((x) => x.type !== 'INFO')) out.write(`${m.type}: ${m.localizedText.message}\n`);
  for (const id of r.processingTaskIds ?? []) out.write(`Processing started: task ${id} (GET /v3/task-status/${id})\n`);
  return exitCodeOf(task);
}

/** What is wrong with `path` as a file to upload, in words; undefined when it can be read. */
async function unreadable(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return 'it is a directory, not a file.';
    if (!info.isFile()) return 'it is not a regular file.';
    await access(path, constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file.';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied (the file cannot be read).';
    return (e as Error).message;
  }
}

/** A dry run's report: the counts, examples of each change, and whether the real load would be refused. */
function printPreview(r: Record<string, any>, out: NodeJS.WritableStream): void {
  out.write(
    `Would load ${r.rows ?? 0} rows into a source of ${r.accountsOnSource ?? 0} accounts — ${r.added ?? 0} added, ${r.updated ?? 0} updated, ${r.unchanged ?? 0} unchanged, ${r.removed ?? 0} removed, ${r.rejected ?? 0} rejected; ${r.identitiesCreated ?? 0} new identities, ${r.identitiesRemoved ?? 0} removed. Nothing was written.\n`,
  );
  const s = r.samples ?? {};
  const list = (label: string, total: number, items: string[]) => {
    if (items.length)
      out.write(`  ${label}: ${items.join(', ')}${total > items.length ? `, … (${total - items.length} more)` : ''}\n`);
  };
  list(
    'added',
    r.added ?? 0,
    (s.added ?? []).map((a: any) => `${a.name} (${a.nativeIdentity}, line ${a.line})`),
  );
  list(
    'updated',
    r.updated ?? 0,
    (s.updated ?? []).map((a: any) => `${a.name} (${a.nativeIdentity}: ${a.changed.join(', ')})`),
  );
  list(
    'removed',
    r.removed ?? 0,
    (s.removed ?? []).map((a: any) => `${a.name} (${a.nativeIdentity})`),
  );
  list(
    'new identities',
    r.identitiesCreated ?? 0,
    (s.identitiesCreated ?? []).map((a: any) => a.name),
  );
  list(
    'identities removed',
    r.identitiesRemoved ?? 0,
    (s.identitiesRemoved ?? []).map((a: any) => a.name),
  );
}

/** `idprofiles process PROFILE [--dry-run]`: processes a profile's identities and follows the run. */
export async function runProcess(args: string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...REMOTE_OPTIONS, 'dry-run': { type: 'boolean' } },
  });
  if (positionals.length !== 1)
    throw new RemoteError(
      'Usage: idprofiles process PROFILE [--dry-run] [--url URL] [--client-id ID --client-secret SECRET]',
    );
  const remote = await connect(remoteOptionsFrom(values, process.env));
  const profile = await resolveByIdOrName(remote, '/v3/identity-profiles', 'identity profile', positionals[0]);
  const { headers } = await remote.call(
    'POST',
    `/v3/identity-profiles/${profile.id}/process-identities${values['dry-run'] ? '?dryRun=true' : ''}`,
  );
  const taskId = headers.get('location')?.split('/').pop();
  if (!taskId) throw new RemoteError('The server did not say where to follow the run (no Location header).');
  const task = await followTask(remote, taskId, values['dry-run'] ? 'dry run' : 'process', out);
  const r = task.result ?? {};
  out.write(
    `${task.completionStatus}: ${r.processed ?? 0} of ${r.total ?? 0} identities processed, ${r.changed ?? 0} changed, ${r.failed ?? 0} failed${r.managersChanged ? `, ${r.managersChanged} ${r.managersChanged === 1 ? 'identity' : 'identities'} changed manager` : ''}.\n`,
  );
  for (const c of r.attributeChanges ?? [])
    out.write(`  ${c.attribute}: ${c.identities} identit${c.identities === 1 ? 'y' : 'ies'} would change\n`);
  for (const e of (r.errors ?? []).slice(0, 10))
    out.write(`  ${e.name} (${e.identityId}) ${e.attribute ?? ''}: ${e.message}\n`);
  for (const m of task.messages.filter((x) => x.type !== 'INFO'))
    out.write(`  ${m.type}: ${m.localizedText.message}\n`);
  return exitCodeOf(task);
}

const exitCodeOf = (task: TaskView) =>
  task.completionStatus === 'Success' || task.completionStatus === 'Warning' ? 0 : 1;
