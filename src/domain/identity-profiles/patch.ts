import { isDeepStrictEqual } from 'node:util';
import { Compile } from 'typebox/compile';
import { AppError, ERRORS } from '../../errors.js';
import type { Actor, DomainContext, Repositories } from '../context.js';
import { placeIdentities } from '../identities/placement.js';
import { applyJsonPatchTo, assertOperationComplete, writtenFields } from '../shared/json-patch.js';
import type { JsonPatch } from '../shared/schema.js';
import type { Source } from '../sources/schema.js';
import { checkMappings } from './mappings.js';
import { IdentityProfile, IdentityProfileInput, PATCH_PROTECTED_FIELDS } from './schema.js';
import { assertNameFree, assertSourceFree, resolveAuthoritativeSource, storedConfig } from './service.js';

const checkInput = Compile(IdentityProfileInput);

const BOTH_CHANGED =
  'The authoritative source and the identity attribute config cannot be changed in the same request.';

/**
 * Rejects patches that write read-only fields, or the source and the mappings together (spec §8).
 * A `test` of a read-only field is allowed: `test /modified` guards against lost updates.
 */
export function assertPatchAllowed(ops: JsonPatch): void {
  const touched = new Set<string>();
  for (const [i, op] of ops.entries()) {
    for (const field of writtenFields(op)) {
      if ((PATCH_PROTECTED_FIELDS as readonly string[]).includes(field)) {
        throw new AppError(
          'field_not_updatable',
          `Operation ${i} (${op.op} ${op.path}): '${field}' cannot be modified.`,
          [`Not updatable: ${PATCH_PROTECTED_FIELDS.join(', ')}`],
        );
      }
      touched.add(field);
    }
    assertOperationComplete(op, i);
  }
  if (touched.has('authoritativeSource') && touched.has('identityAttributeConfig')) {
    throw new AppError('invalid_patch', BOTH_CHANGED);
  }
}

/** Date-times compare as instants: a client may send back `created` in another ISO 8601 form. */
const DATE_FIELDS = new Set<string>(['created', 'modified']);
const sameValue = (field: string, a: unknown, b: unknown) =>
  a === b ||
  (DATE_FIELDS.has(field) &&
    typeof a === 'string' &&
    typeof b === 'string' &&
    !Number.isNaN(Date.parse(a)) &&
    Date.parse(a) === Date.parse(b));

/**
 * The read-only fields as the operations leave them: each the stored value, or left out (a
 * document that omits them keeps them). `assertPatchAllowed` refuses an operation on one of them
 * by its path; this refuses a change to one through a write of a parent — the whole document
 * (`replace ""`) — judged on the profile the patch was applied to (read or not).
 */
function assertReadOnlyKept(current: IdentityProfile, patched: IdentityProfile): void {
  const changed = PATCH_PROTECTED_FIELDS.filter(
    (f) => Object.hasOwn(patched, f) && !sameValue(f, patched[f], current[f]),
  );
  if (!changed.length) return;
  const causes = changed.map(
    (f) => `'${f}' is ${JSON.stringify(current[f])}; the patch makes it ${JSON.stringify(patched[f])}`,
  );
  throw new AppError(
    'field_not_updatable',
    `The patch changes ${changed.map((f) => `'${f}'`).join(', ')}, which cannot be modified.`,
    [...causes, `Not updatable: ${PATCH_PROTECTED_FIELDS.join(', ')}`],
  );
}

const PROFILE_FIELDS = Object.keys(IdentityProfile.properties) as Array<keyof IdentityProfile>;
const KNOWN_FIELDS = new Set<string>(PROFILE_FIELDS);

/** RFC 6902 operations applied to the profile's API representation (see applyJsonPatchTo). */
export function applyJsonPatch(document: IdentityProfile, ops: JsonPatch): IdentityProfile {
  return applyJsonPatchTo(document, ops, KNOWN_FIELDS, 'an identity profile');
}

/** The patched document as create input (read-only fields dropped), or a 400 listing what is wrong. */
function toValidInput(patched: IdentityProfile): IdentityProfileInput {
  const { id: _i, created: _c, modified: _m, identityCount: _n, identityRefreshRequired: _r, ...input } = patched;
  if (!checkInput.Check(input)) {
    const causes = [...checkInput.Errors(input)].map((e) => `${e.instancePath || '/'}: ${e.message}`);
    throw new AppError('profile_invalid', `The patched identity profile is not valid: ${causes[0]}`, causes);
  }
  return input;
}

/** The stored profile with the patched input applied (the source already resolved, if it changed). */
function merge(
  current: IdentityProfile,
  input: IdentityProfileInput,
  source: Source | undefined,
  mappingsChanged: boolean,
  now: Date,
): IdentityProfile {
  return {
    ...current,
    name: input.name.trim(),
    description: input.description ?? null,
    owner: input.owner
      ? (sameOwner(input.owner, current.owner) ?? {
          type: 'IDENTITY',
          id: input.owner.id,
          name: input.owner.name ?? '',
        })
      : null,
    priority: input.priority ?? current.priority,
    authoritativeSource: source ? { type: 'SOURCE', id: source.id, name: source.name } : current.authoritativeSource,
    // unchanged mappings (the same JSON as stored, which storedConfig would write again): the stored object itself
    identityAttributeConfig: mappingsChanged
      ? storedConfig(input.identityAttributeConfig, false)
      : current.identityAttributeConfig,
    identityExceptionReportReference: input.identityExceptionReportReference ?? null,
    hasTimeBasedAttr: input.hasTimeBasedAttr ?? current.hasTimeBasedAttr,
    identityRefreshRequired: current.identityRefreshRequired || mappingsChanged || source !== undefined,
    modified: now.toISOString(),
  };
}

/** The stored owner when the input names the same one (so comparing the profiles needs no JSON). */
const sameOwner = (input: NonNullable<IdentityProfileInput['owner']>, stored: IdentityProfile['owner']) =>
  stored && stored.id === input.id && stored.name === (input.name ?? '') ? stored : undefined;

/** Optimistic attempts (read, then write if unchanged) before a PATCH waits for the row's lock instead. */
const OPTIMISTIC_ATTEMPTS = 3;

/**
 * PATCH: read → apply → re-validate the whole result → write, through the same rules as create.
 * Changing the mappings or the authoritative source sets `identityRefreshRequired` (decision 9).
 *
 * Optimistic: the write happens only if the row is still the version that was read; when another
 * write came first, read and apply again (as if the PATCH had waited for a lock). Usually no read
 * at all: the patch is first applied to the version this process last read or wrote, if the
 * repository still has it, and written if the row is still that version — anything else is
 * decided on a read. A change of priority or source moves identities between profiles, which
 * must happen in the same transaction: that, and a profile written by others on every attempt,
 * takes the locking transaction.
 */
export async function patchProfile(
  ctx: DomainContext,
  id: string,
  ops: JsonPatch,
  actor: Actor,
): Promise<IdentityProfile> {
  assertPatchAllowed(ops);
  const audit = { actor: actor.clientId, detail: ops };
  const unread = await ctx.repos.profiles.updateWithoutReading(
    id,
    async (current) => {
      const change = await patched(ctx, ctx.repos, current, ops);
      return change && !change.moved ? change.updated : undefined;
    },
    audit,
  );
  if (unread) return unread.profile;
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
    const read = await ctx.repos.profiles.findVersioned(id);
    if (!read) throw ERRORS.notFound('profile_not_found', id);
    const change = await patched(ctx, ctx.repos, read.profile, ops);
    if (!change) return read.profile; // nothing changes: no write, no audit entry
    if (change.moved) break;
    const written = await ctx.repos.profiles.update(change.updated, { ifVersion: read.version, audit });
    if (written) return written.profile;
  }
  return ctx.withTransaction(async (repos) => {
    const current = await repos.profiles.findById(id, { forUpdate: true });
    if (!current) throw ERRORS.notFound('profile_not_found', id);
    const change = await patched(ctx, repos, current, ops);
    if (change) {
      await repos.profiles.update(change.updated, { audit });
      // priority and source decide which profile each identity belongs to (decision 6)
      if (change.moved)
        await placeIdentities(repos, [
          ...new Set([current.authoritativeSource.id, change.updated.authoritativeSource.id]),
        ]);
    }
    // as stored (placement may have changed the count), and as GET answers it: from the stored JSON
    return (await repos.profiles.findVersioned(id))!.profile;
  });
}

/**
 * The profile `ops` make of `current`, checked against stored state (name, source, mappings);
 * undefined when nothing but `modified` would change. `moved`: priority or source changed.
 */
async function patched(ctx: DomainContext, repos: Repositories, current: IdentityProfile, ops: JsonPatch) {
  const document = applyJsonPatch(current, ops);
  assertReadOnlyKept(current, document);
  const input = toValidInput(document);
  const id = current.id;
  if (input.name.trim() !== current.name) await assertNameFree(repos, input.name.trim(), id);
  const sourceChanged = input.authoritativeSource.id !== current.authoritativeSource.id;
  const source = sourceChanged ? await resolveAuthoritativeSource(repos, input.authoritativeSource) : undefined;
  if (source) await assertSourceFree(repos, source, id);
  // a patch that does not touch the mappings leaves them the same object (applyJsonPatch); else compared
  // as values, key order aside (the locking path reads them from jsonb, which orders keys its own way)
  const mappingsChanged =
    input.identityAttributeConfig !== current.identityAttributeConfig &&
    !isDeepStrictEqual(storedConfig(input.identityAttributeConfig, false), current.identityAttributeConfig);
  // assertPatchAllowed refuses operations on both; a whole-document write changes both without naming them
  if (source && mappingsChanged) throw new AppError('invalid_patch', BOTH_CHANGED);
  if (mappingsChanged) await checkMappings(repos, input.identityAttributeConfig, ctx.checkTransform);
  const updated = merge(current, input, source, mappingsChanged, ctx.now());
  if (sameExceptModified(updated, current)) return undefined;
  return { updated, moved: source !== undefined || updated.priority !== current.priority };
}

/** Equal but for `modified`: field by field, objects compared as JSON only when they are not the same object. */
function sameExceptModified(a: IdentityProfile, b: IdentityProfile): boolean {
  for (const key of PROFILE_FIELDS) {
    if (key === 'modified' || a[key] === b[key]) continue;
    if (typeof a[key] !== 'object' || typeof b[key] !== 'object' || JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      return false;
  }
  return true;
}
