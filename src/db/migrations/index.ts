import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-accounts-identities.js';
import * as m0003 from './0003-identity-fingerprint.js';
import * as m0004 from './0004-profile-hot-updates.js';
import * as m0005 from './0005-identity-hot-updates.js';
import * as m0006 from './0006-identity-state.js';
import * as m0007 from './0007-profile-json.js';
import * as m0008 from './0008-ordered-account-ids.js';
import * as m0009 from './0009-source-delete-threshold.js';
import * as m0010 from './0010-transform-references.js';
import * as m0011 from './0011-account-disabled.js';
import * as m0012 from './0012-lifecycle-states.js';
import * as m0013 from './0013-statement-reference-checks.js';

/** Ordered, forward-only. Add new files here; never edit an applied one. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-accounts-identities': m0002,
  '0003-identity-fingerprint': m0003,
  '0004-profile-hot-updates': m0004,
  '0005-identity-hot-updates': m0005,
  '0006-identity-state': m0006,
  '0007-profile-json': m0007,
  '0008-ordered-account-ids': m0008,
  '0009-source-delete-threshold': m0009,
  '0010-transform-references': m0010,
  '0011-account-disabled': m0011,
  '0012-lifecycle-states': m0012,
  '0013-statement-reference-checks': m0013,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
