import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { followTask, type TaskView } from './progress.js';
import { connect, remoteOptionsFrom, resolveByIdOrName, RemoteError } from './remote.js';

const REMOTE_OPTIONS = {
  url: { type: 'string' as const },
  'client-id': { type: 'string' as const },
  'client-secret': { type: 'string' as const },
};

/** `idprofiles load SOURCE FILE.csv`: uploads accounts to a running server and follows the load. */
export async function runLoad(args: string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REMOTE_OPTIONS });
  if (positionals.length !== 2) throw new RemoteError('Usage: idprofiles load SOURCE FILE.csv [--url URL] [--client-id ID --client-secret SECRET]');
  const remote = await connect(remoteOptionsFrom(values, process.env));
  const source = await resolveByIdOrName(remote, '/v3/sources', 'source', positionals[0]);
  const form = new FormData();
  form.append('file', await openAsBlob(positionals[1], { type: 'text/csv' }), basename(positionals[1]));
  out.write(`Uploading ${positionals[1]} to source '${source.name}'…\n`);
  const { body } = await remote.call<{ task: TaskView }>('POST', `/v3/sources/${source.id}/load-accounts`, { body: form });
  const task = await followTask(remote, body.task.id, 'load', out);
  const r = task.result ?? {};
  out.write(`${task.completionStatus}: ${r.rows ?? 0} rows — ${r.added ?? 0} added, ${r.updated ?? 0} updated, ${r.unchanged ?? 0} unchanged, ${r.removed ?? 0} removed, ${r.rejected ?? 0} rejected; ${r.identitiesCreated ?? 0} new identities.\n`);
  for (const rej of (r.rejections ?? []).slice(0, 20)) out.write(`  line ${rej.line}: ${rej.reason}\n`);
  if ((r.rejections?.length ?? 0) > 20) out.write(`  … ${r.rejections.length - 20} more rejected rows (see the task status)\n`);
  for (const id of r.processingTaskIds ?? []) out.write(`Processing started: task ${id} (GET /v3/task-status/${id})\n`);
  return exitCodeOf(task);
}

/** `idprofiles process PROFILE [--dry-run]`: processes a profile's identities and follows the run. */
export async function runProcess(args: string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...REMOTE_OPTIONS, 'dry-run': { type: 'boolean' } } });
  if (positionals.length !== 1) throw new RemoteError('Usage: idprofiles process PROFILE [--dry-run] [--url URL] [--client-id ID --client-secret SECRET]');
  const remote = await connect(remoteOptionsFrom(values, process.env));
  const profile = await resolveByIdOrName(remote, '/v3/identity-profiles', 'identity profile', positionals[0]);
  const { headers } = await remote.call('POST', `/v3/identity-profiles/${profile.id}/process-identities${values['dry-run'] ? '?dryRun=true' : ''}`);
  const taskId = headers.get('location')?.split('/').pop();
  if (!taskId) throw new RemoteError('The server did not say where to follow the run (no Location header).');
  const task = await followTask(remote, taskId, values['dry-run'] ? 'dry run' : 'process', out);
  const r = task.result ?? {};
  out.write(`${task.completionStatus}: ${r.processed ?? 0} of ${r.total ?? 0} identities processed, ${r.changed ?? 0} changed, ${r.failed ?? 0} failed${r.managersChanged ? `, ${r.managersChanged} new managers` : ''}.\n`);
  for (const c of r.attributeChanges ?? []) out.write(`  ${c.attribute}: ${c.identities} identit${c.identities === 1 ? 'y' : 'ies'} would change\n`);
  for (const e of (r.errors ?? []).slice(0, 10)) out.write(`  ${e.name} (${e.identityId}) ${e.attribute ?? ''}: ${e.message}\n`);
  for (const m of task.messages.filter((x) => x.type !== 'INFO')) out.write(`  ${m.type}: ${m.localizedText.message}\n`);
  return exitCodeOf(task);
}

const exitCodeOf = (task: TaskView) => (task.completionStatus === 'Success' || task.completionStatus === 'Warning' ? 0 : 1);
