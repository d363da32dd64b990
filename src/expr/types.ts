/**
 * Public types of the transform engine: what a caller hands to `evaluate` and what it gets back.
 * Values are text, `null` for "no value", or a list (multi-valued account attributes pass
 * through as lists; `valueToText` renders them the way Java's `List.toString` does).
 */

/** A value produced by a transform: text, null, or a list of values (multi-valued attributes). */
export type TransformValue = string | null | readonly TransformValue[];

/** One account (ISC "link") of the identity being evaluated. */
export interface Account {
  id?: string;
  /** Source id (GUID); matched first when the transform names a `sourceId`/`applicationId`. */
  sourceId?: string;
  /** Source display name, matched by `sourceName`. */
  sourceName?: string;
  /** Immutable source name, e.g. `Active Directory [source]`; defaults to `${sourceName} [source]`. */
  applicationName?: string;
  /** Account id on the source (searchable by `accountFilter` as `nativeIdentity`). */
  nativeIdentity?: string;
  /** Account name (searchable by `accountFilter` as `displayName`); `displayName` is an alias. */
  name?: string;
  displayName?: string;
  /** Whether the account has entitlements (searchable by `accountFilter` as `entitlements`). */
  hasEntitlements?: boolean;
  /** Account creation instant: the default sort key of `accountAttribute`. */
  created?: string | Date | number | null;
  modified?: string | Date | number | null;
  attributes: Readonly<Record<string, unknown>>;
}

/** An identity's attribute map (system names: `uid`, `email`, `firstname`, …). */
export type IdentityAttributes = Readonly<Record<string, unknown>>;

/** Settings of the account-create field a `usernameGenerator` sits in. */
export interface FieldAttributes {
  /** Generated values are cut to this many characters (before the uniqueness check). */
  cloudMaxSize?: string | number;
  /** Number of `$uniqueCounter` values tried after the counter-less candidate (max 50). */
  cloudMaxUniqueChecks?: string | number;
  cloudRequired?: string | boolean;
}

/** Provisioning (account create) context, needed only by `usernameGenerator`. */
export interface ProvisioningContext {
  /** Account ids already in use on the target source, or a predicate answering "is it taken?". */
  takenValues?: Iterable<string> | ((value: string) => boolean);
  fieldAttributes?: FieldAttributes;
}

/** Everything one evaluation may read. Only `accounts` is needed by most mappings. */
export interface EvaluationContext {
  /** Implicit input: the value the mapping supplies (the account attribute chosen in the UI). */
  input?: unknown;
  /** The identity's accounts. */
  accounts?: readonly Account[];
  /** The identity's stored attributes (before this evaluation). `id`/`name` feed `$identity.getId()`/`getName()`. */
  identity?: IdentityAttributes | null;
  /** The manager's attributes; absent or null = no manager. */
  manager?: IdentityAttributes | null;
  /** Other identities, found by `uid` (getReferenceIdentityAttribute). */
  identities?: readonly IdentityAttributes[] | ((uid: string) => IdentityAttributes | null | undefined);
  /** The attribute's previous value (`$oldValue` in templates). */
  oldValue?: string | null;
  /** Evaluation instant; fixed for the whole evaluation. Defaults to the current time. */
  now?: Date;
  /** Random source in [0, 1) for uuid/random*; defaults to `crypto` randomness. */
  random?: () => number;
  provisioning?: ProvisioningContext;
}

/** The outcome of one evaluation: evaluation errors are values, never exceptions. */
export type EvaluationResult = { ok: true; value: TransformValue } | { ok: false; error: string; path: string };

/** A named (stored) transform as the `reference` lookup returns it. */
export interface NamedTransform {
  type: string;
  attributes?: unknown;
  name?: string;
}

/** A problem found while compiling; `path` names the bad node, e.g. `attributes.values[2].attributes.input`. */
export interface DefinitionProblem {
  path: string;
  message: string;
}
