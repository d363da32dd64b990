/**
 * Java-like objects templates can reach: `$identity` (sailpoint.object.Identity as G-ctx uses
 * it), its accounts (Link) and `$foreach`. Each answers bean properties (`.manager` →
 * `getManager()`) and the documented methods; anything else is MISSING (a template error).
 */
import { own, toValue } from '../runtime.js';
import type { Account, IdentityAttributes } from '../types.js';

export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/** Base of objects with Java-style members. */
export abstract class HostObject {
  abstract readonly typeName: string;

  /** Calls `name(args)`; MISSING when there is no such method. */
  abstract call(name: string, args: readonly unknown[]): unknown;

  /** Bean property: `x.foo` → `getFoo()` or `isFoo()`. */
  get(name: string): unknown {
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    const viaGet = this.call(`get${cap}`, []);
    return viaGet !== MISSING ? viaGet : this.call(`is${cap}`, []);
  }

  abstract text(): string;
}

/** Inputs the `$identity` object is built from. */
export interface IdentitySource {
  attributes: IdentityAttributes;
  manager?: IdentityAttributes | null;
  accounts?: readonly Account[];
}

export class IdentityObject extends HostObject {
  readonly typeName = 'Identity';

  constructor(private readonly src: IdentitySource) {
    super();
  }

  call(name: string, args: readonly unknown[]): unknown {
    const attrs = this.src.attributes;
    switch (name) {
      case 'getManager':
        return this.src.manager ? new IdentityObject({ attributes: this.src.manager }) : null;
      case 'getId':
        return toValue(attrs.id);
      case 'getName':
        return toValue(attrs.name ?? attrs.uid);
      case 'getAttribute':
      case 'getStringAttribute':
        return toValue(own(attrs, String(args[0])));
      case 'getAttributes':
        return attrs;
      case 'getLinks':
        return (this.src.accounts ?? []).map((a) => new AccountObject(a));
      case 'getLinksByAppIdOrName':
        return this.linksByAppIdOrName(args[0], args[1]);
      case 'getManagerStatus':
      case 'isManager':
        return attrs.isManager === true || attrs.isManager === 'true';
      default:
        return this.attributeGetter(name, args);
    }
  }

  /** `getEmail()`, `getFirstname()`… read the identity attribute of that name when it exists. */
  private attributeGetter(name: string, args: readonly unknown[]): unknown {
    if (args.length > 0 || !name.startsWith('get') || name.length < 4) return MISSING;
    const key = name.charAt(3).toLowerCase() + name.slice(4);
    const attrs = this.src.attributes;
    if (Object.hasOwn(attrs, key)) return toValue(attrs[key]);
    const lower = key.toLowerCase();
    const found = Object.keys(attrs).find((k) => k.toLowerCase() === lower);
    return found === undefined ? MISSING : toValue(attrs[found]);
  }

  /** Source id, or source name in the `"Name [source]"` form (the plain name is accepted too). */
  private linksByAppIdOrName(id: unknown, name: unknown): AccountObject[] {
    const wanted = typeof name === 'string' ? name.replace(/ \[source\]$/, '') : undefined;
    return (this.src.accounts ?? [])
      .filter((a) => (id != null && a.sourceId === id) || (wanted !== undefined && a.sourceName === wanted))
      .map((a) => new AccountObject(a));
  }

  text(): string {
    return String(toValue(this.src.attributes.name ?? this.src.attributes.uid) ?? 'Identity');
  }
}

export class AccountObject extends HostObject {
  readonly typeName = 'Link';

  constructor(private readonly account: Account) {
    super();
  }

  call(name: string, args: readonly unknown[]): unknown {
    const a = this.account;
    switch (name) {
      case 'getId':
        return a.id ?? null;
      case 'getNativeIdentity':
        return a.nativeIdentity ?? null;
      case 'getDisplayName':
      case 'getDisplayableName':
        return a.displayName ?? a.name ?? a.nativeIdentity ?? null;
      case 'getApplicationName':
        return a.applicationName ?? (a.sourceName ? `${a.sourceName} [source]` : null);
      case 'getApplicationId':
        return a.sourceId ?? null;
      case 'getCreated':
        return toValue(a.created);
      case 'getAttribute':
        return toValue(own(a.attributes, String(args[0])));
      case 'getAttributes':
        return a.attributes;
      default:
        return MISSING;
    }
  }

  text(): string {
    return this.account.nativeIdentity ?? this.account.id ?? 'Link';
  }
}

/** `$foreach` inside a loop: index (0-based), count (1-based), hasNext, first, last. */
export class ForeachState extends HostObject {
  readonly typeName = 'ForeachScope';
  index = 0;

  constructor(private readonly size: number) {
    super();
  }

  call(name: string): unknown {
    switch (name) {
      case 'getIndex':
        return this.index;
      case 'getCount':
        return this.index + 1;
      case 'hasNext':
      case 'getHasNext':
        return this.index + 1 < this.size;
      case 'isFirst':
        return this.index === 0;
      case 'isLast':
        return this.index + 1 === this.size;
      default:
        return MISSING;
    }
  }

  override get(name: string): unknown {
    return name === 'hasNext' ? this.call('hasNext') : super.get(name);
  }

  text(): string {
    return `foreach[${this.index}]`;
  }
}
