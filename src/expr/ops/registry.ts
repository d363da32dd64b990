/** Every operation type the engine knows, by `type`. */
import type { OpCompiler } from '../compiler.js';
import { ACCOUNT_OPERATIONS } from './account.js';
import { COLLECTION_OPERATIONS } from './collections.js';
import { DATE_OPERATIONS } from './dates.js';
import { IDENTITY_OPERATIONS } from './identity.js';
import { LOCALE_OPERATIONS } from './locale.js';
import { NAME_OPERATIONS } from './names.js';
import { RANDOM_OPERATIONS } from './random.js';
import { REGEX_OPERATIONS } from './regex-ops.js';
import { RULE_OPERATIONS } from './rule.js';
import { TEMPLATE_OPERATIONS } from './templates.js';
import { TEXT_OPERATIONS } from './text.js';
import { USERNAME_OPERATIONS } from './username.js';

export const OPERATIONS: Readonly<Record<string, OpCompiler>> = Object.freeze({
  ...ACCOUNT_OPERATIONS,
  ...COLLECTION_OPERATIONS,
  ...DATE_OPERATIONS,
  ...IDENTITY_OPERATIONS,
  ...LOCALE_OPERATIONS,
  ...NAME_OPERATIONS,
  ...RANDOM_OPERATIONS,
  ...REGEX_OPERATIONS,
  ...RULE_OPERATIONS,
  ...TEMPLATE_OPERATIONS,
  ...TEXT_OPERATIONS,
  ...USERNAME_OPERATIONS,
});

/** The operation types, sorted (for messages and documentation). */
export const OPERATION_TYPES: readonly string[] = Object.keys(OPERATIONS).sort();
