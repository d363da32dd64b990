/**
 * Renders a parsed template. Strictness (doc §5, decision on [open] §14.16): a non-quiet
 * reference whose value is null or undefined, or a chain through null (`$identity.manager.x`
 * without a manager), fails the evaluation; `$!x` renders empty; inside expressions
 * (`#if`, `#set`, arguments) null chains are simply null, so `#if($x)` on null is false.
 * Every node, expression and loop iteration costs a step; output is capped.
 */
import { fail, failLimit } from '../errors.js';
import { own, runCached, tick, type Run } from '../runtime.js';
import type { Expr, Reference, TNode, Template } from './ast.js';
import { evalBinary, toText, truthy } from './operators.js';
import { ForeachState, HostObject, IdentityObject, MISSING } from './host-objects.js';
import { callMethod, getProperty, isMap } from './members.js';

/** Thrown by #break; caught by the enclosing #foreach (or ends the template). */
const BREAK = { brk: true };

/** Variables given to a template: the transform's own variables by name. */
export type TemplateVars = ReadonlyMap<string, unknown> | null;

/** Renders `tpl` with `vars` (plus `$identity`, `$oldValue` from the run). */
export function renderTemplate(tpl: Template, vars: TemplateVars, run: Run, path: string): string {
  if (tpl.constant !== undefined) return tpl.constant;
  const r = new Renderer(vars, run, path);
  try {
    r.nodes(tpl.nodes);
  } catch (e) {
    if (e !== BREAK) throw e;
  }
  return r.out;
}

class Renderer {
  out = '';
  private locals: Map<string, unknown> | undefined;

  constructor(
    private readonly vars: TemplateVars,
    readonly run: Run,
    readonly path: string,
  ) {}

  nodes(list: readonly TNode[]): void {
    for (const node of list) this.node(node);
  }

  private node(node: TNode): void {
    tick(this.run, this.path);
    switch (node.k) {
      case 'text':
        return this.emit(node.text);
      case 'ref':
        return this.emitRef(node.ref);
      case 'if': {
        for (const b of node.branches) if (truthy(this.expr(b.cond))) return this.nodes(b.body);
        if (node.otherwise) this.nodes(node.otherwise);
        return;
      }
      case 'set':
        return void this.local().set(node.name, this.expr(node.value));
      case 'foreach':
        return this.foreach(node.name, this.expr(node.iterable), node.body);
      case 'break':
        throw BREAK;
    }
  }

  private emit(text: string): void {
    this.out += text;
    if (this.out.length > this.run.limits.maxOutputLength) {
      failLimit(`template output longer than ${this.run.limits.maxOutputLength} characters`, this.path);
    }
  }

  private emitRef(ref: Reference): void {
    const value = this.reference(ref, ref.quiet);
    if (value === null || value === undefined) {
      if (ref.quiet) return;
      fail(`cannot render ${ref.source}: the value is null`, this.path);
    }
    this.emit(toText(value));
  }

  private local(): Map<string, unknown> {
    return (this.locals ??= new Map());
  }

  lookup(name: string): unknown {
    if (this.locals?.has(name)) return this.locals.get(name);
    if (this.vars?.has(name)) return this.vars.get(name);
    const ctx = this.run.ctx;
    if (name === 'identity') {
      if (!ctx.identity) return null;
      return runCached(
        this.run,
        'identity',
        () => new IdentityObject({ attributes: ctx.identity ?? {}, manager: ctx.manager, accounts: ctx.accounts }),
      );
    }
    if (name === 'oldValue') return ctx.oldValue ?? null;
    return undefined;
  }

  /** Resolves a reference chain; `lenient` turns a chain through null into null. */
  reference(ref: Reference, lenient: boolean): unknown {
    let value = this.lookup(ref.name);
    let reached = `$${ref.name}`;
    for (const part of ref.parts) {
      tick(this.run, this.path);
      if (value === null || value === undefined) {
        if (lenient) return null;
        fail(`cannot evaluate ${ref.source}: ${reached} is null`, this.path);
      }
      reached += part.k === 'index' ? '[…]' : part.k === 'call' ? `.${part.name}(…)` : `.${part.name}`;
      let next: unknown;
      if (part.k === 'prop') next = getProperty(value, part.name);
      else if (part.k === 'call')
        next = callMethod(
          value,
          part.name,
          part.args.map((a) => this.expr(a)),
          this,
        );
      else next = index(value, this.expr(part.index));
      if (next === MISSING) {
        const what = part.k === 'call' ? `method ${part.name}()` : `property "${part.k === 'prop' ? part.name : '[]'}"`;
        fail(`cannot evaluate ${ref.source}: no ${what} on ${typeName(value)}`, this.path);
      }
      value = next;
    }
    return value;
  }

  expr(e: Expr): unknown {
    tick(this.run, this.path);
    switch (e.k) {
      case 'lit':
        return e.value;
      case 'ref':
        return this.reference(e.ref, true) ?? null;
      case 'interp': {
        const inner = new Renderer(this.vars, this.run, this.path);
        inner.locals = this.locals;
        inner.nodes(e.body);
        return inner.out;
      }
      case 'list':
        return this.list(e.items.map((i) => this.expr(i)));
      case 'range':
        return this.range(this.expr(e.from), this.expr(e.to));
      case 'map':
        return Object.fromEntries(e.entries.map(([k, v]) => [toText(this.expr(k)), this.expr(v)]));
      case 'not':
        return !truthy(this.expr(e.arg));
      case 'neg': {
        const v = this.expr(e.arg);
        return typeof v === 'number' ? -v : fail(`cannot negate ${toText(v)}`, this.path);
      }
      case 'bin':
        return evalBinary(e.op, e.left, e.right, this);
    }
  }

  private list(items: unknown[]): unknown[] {
    if (items.length > this.run.limits.maxListLength) failLimit('list too long', this.path);
    return items;
  }

  private range(from: unknown, to: unknown): number[] {
    if (typeof from !== 'number' || typeof to !== 'number') return fail('range bounds must be numbers', this.path);
    const size = Math.abs(to - from) + 1;
    if (size > this.run.limits.maxListLength) failLimit(`range [${from}..${to}] too long`, this.path);
    const step = from <= to ? 1 : -1;
    return Array.from({ length: size }, (_, i) => from + i * step);
  }

  private foreach(name: string, iterable: unknown, body: readonly TNode[]): void {
    const items = Array.isArray(iterable) ? iterable : isMap(iterable) ? Object.values(iterable) : [];
    const locals = this.local();
    const saved = [locals.get(name), locals.get('foreach'), locals.get('velocityCount')];
    const state = new ForeachState(items.length);
    locals.set('foreach', state);
    try {
      for (let i = 0; i < items.length; i++) {
        tick(this.run, this.path);
        state.index = i;
        locals.set(name, items[i]);
        locals.set('velocityCount', i + 1);
        this.nodes(body);
      }
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      restore(locals, name, saved[0]);
      restore(locals, 'foreach', saved[1]);
      restore(locals, 'velocityCount', saved[2]);
    }
  }
}

function restore(locals: Map<string, unknown>, name: string, value: unknown): void {
  if (value === undefined) locals.delete(name);
  else locals.set(name, value);
}

function index(target: unknown, key: unknown): unknown {
  if (Array.isArray(target)) {
    const i = Number(key);
    return Number.isInteger(i) && i >= 0 && i < target.length ? target[i] : null;
  }
  if (isMap(target)) return own(target, toText(key)) ?? null;
  return MISSING;
}

export { toText };

function typeName(v: unknown): string {
  if (v instanceof HostObject) return v.typeName;
  if (Array.isArray(v)) return 'List';
  if (isMap(v)) return 'Map';
  return typeof v === 'string'
    ? 'String'
    : typeof v === 'number'
      ? 'Number'
      : typeof v === 'boolean'
        ? 'Boolean'
        : 'Object';
}
