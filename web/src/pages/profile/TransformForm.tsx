import { useEffect, useState } from 'preact/hooks';
import type { Source, TransformDefinition } from '../../api/types';
import { listTransforms } from '../../api/transforms';
import {
  CONDITION,
  DATE_FORMATS,
  FORM_TYPE_LABELS,
  FORM_TYPES,
  starter,
  type FormType,
  type FormValue,
} from '../../lib/transform-form';
import { AccountFields, LookupTable, Text } from './TransformFieldParts';

export interface Ctx {
  sources: Source[];
  defaultSource?: Source;
  transformNames: string[];
}
export type Attrs = Record<string, unknown>;

/** The named transforms, for the reference picker (first 250 by name). */
function useTransformNames(): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    listTransforms({ sorters: 'name', limit: 250, offset: 0 }).then(
      (r) => live && setNames(r.items.map((t) => t.name)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return names;
}

/**
 * The common transforms as a form, nested as deep as the definition goes (a lower-cased account
 * attribute, a concat of attributes and text, …). Only definitions `formFits` accepts come here.
 */
export function TransformForm({
  value,
  onChange,
  sources,
  defaultSource,
}: {
  value: TransformDefinition;
  onChange: (d: TransformDefinition) => void;
  sources: Source[];
  defaultSource?: Source;
}) {
  const transformNames = useTransformNames();
  return (
    <div class="transform-form">
      <ValueEditor
        id="tf"
        label="Transform"
        value={value}
        onChange={(v) => onChange(v as TransformDefinition)}
        ctx={{ sources, defaultSource, transformNames }}
      />
    </div>
  );
}

/** One value: its kind (a transform type, or plain text where text is allowed) and that kind's fields. */
function ValueEditor({
  id,
  label,
  value,
  onChange,
  ctx,
  textOk,
  onRemove,
}: {
  id: string;
  label: string;
  value: FormValue;
  onChange: (v: FormValue) => void;
  ctx: Ctx;
  textOk?: boolean;
  onRemove?: () => void;
}) {
  const kind = typeof value === 'string' ? 'text' : (value.type as FormType);
  const choose = (next: string) =>
    onChange(
      next === 'text' ? (typeof value === 'string' ? value : '') : starter(next as FormType, ctx.defaultSource, value),
    );
  return (
    <fieldset class="tf-value" data-kind={kind}>
      <legend>{label}</legend>
      <div class="row end">
        <div class="stack grow">
          <label for={`${id}-type`}>Kind of value</label>
          <select id={`${id}-type`} name={`${id}-type`} value={kind} onChange={(e) => choose(e.currentTarget.value)}>
            {textOk && <option value="text">Text</option>}
            {FORM_TYPES.map((t) => (
              <option key={t} value={t}>
                {FORM_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
        {onRemove && (
          <button type="button" class="quiet" aria-label={`Remove ${label}`} onClick={onRemove}>
            Remove
          </button>
        )}
      </div>
      {typeof value === 'string' ? (
        <Text
          id={`${id}-text`}
          label="Text"
          value={value}
          onChange={onChange}
          hint="Spaces count: “ ” puts a space between two values."
        />
      ) : (
        <Fields id={id} def={value} onChange={onChange} ctx={ctx} />
      )}
    </fieldset>
  );
}

function Fields({
  id,
  def,
  onChange,
  ctx,
}: {
  id: string;
  def: TransformDefinition;
  onChange: (v: TransformDefinition) => void;
  ctx: Ctx;
}) {
  const a = (def.attributes ?? {}) as Attrs;
  const set = (patch: Attrs) => onChange({ ...def, attributes: { ...a, ...patch } });
  const without = (key: string) => {
    const { [key]: _, ...rest } = a;
    onChange({ ...def, attributes: rest });
  };
  const input = (optional: boolean, label = 'Input') =>
    a.input === undefined ? (
      optional && (
        <button type="button" onClick={() => set({ input: starter('accountAttribute', ctx.defaultSource) })}>
          Add an input
        </button>
      )
    ) : (
      <ValueEditor
        id={`${id}-in`}
        label={label}
        value={a.input as FormValue}
        onChange={(v) => set({ input: v })}
        ctx={ctx}
        onRemove={optional ? () => without('input') : undefined}
      />
    );
  switch (def.type as FormType) {
    case 'accountAttribute':
      return (
        <AccountFields
          id={id}
          attrs={a}
          onChange={(s, attributeName) =>
            onChange({ type: 'accountAttribute', attributes: { sourceName: s.name, sourceId: s.id, attributeName } })
          }
          ctx={ctx}
        />
      );
    case 'static':
      return (
        <Text id={`${id}-value`} label="Value" value={String(a.value ?? '')} onChange={(value) => set({ value })} />
      );
    case 'lower':
    case 'upper':
      return <>{input(false)}</>;
    case 'concat':
    case 'firstValid': {
      const values = (a.values ?? []) as FormValue[];
      const setAt = (i: number, v: FormValue | undefined) =>
        set({ values: v === undefined ? values.filter((_, j) => j !== i) : values.map((x, j) => (j === i ? v : x)) });
      return (
        <div class="stack">
          {values.map((v, i) => (
            <ValueEditor
              key={i}
              id={`${id}-v${i}`}
              label={`Value ${i + 1}`}
              value={v}
              textOk
              onChange={(x) => setAt(i, x)}
              ctx={ctx}
              onRemove={values.length > 1 ? () => setAt(i, undefined) : undefined}
            />
          ))}
          <div class="row">
            <button
              type="button"
              onClick={() => set({ values: [...values, starter('accountAttribute', ctx.defaultSource)] })}
            >
              Add a value
            </button>
            {def.type === 'concat' && (
              <button type="button" onClick={() => set({ values: [...values, ' '] })}>
                Add text
              </button>
            )}
          </div>
          {def.type === 'firstValid' && (
            <label class="check-label">
              <input
                type="checkbox"
                name={`${id}-ignoreErrors`}
                checked={a.ignoreErrors === true}
                onChange={(e) => (e.currentTarget.checked ? set({ ignoreErrors: true }) : without('ignoreErrors'))}
              />{' '}
              Skip values that fail (ignoreErrors)
            </label>
          )}
          <p class="hint">
            {def.type === 'concat'
              ? 'The values joined in order, with nothing between them.'
              : 'The first of these values that is present.'}
          </p>
        </div>
      );
    }
    case 'dateFormat':
      return (
        <div class="stack">
          {input(false, 'Date')}
          <datalist id={`${id}-formats`}>
            {DATE_FORMATS.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
          <div class="row">
            <Text
              id={`${id}-from`}
              label="Input format"
              value={String(a.inputFormat ?? '')}
              onChange={(v) => (v ? set({ inputFormat: v }) : without('inputFormat'))}
              list={`${id}-formats`}
            />
            <Text
              id={`${id}-to`}
              label="Output format"
              value={String(a.outputFormat ?? '')}
              onChange={(v) => (v ? set({ outputFormat: v }) : without('outputFormat'))}
              list={`${id}-formats`}
            />
          </div>
          <p class="hint">
            A named format (ISO8601, LDAP, EPOCH_TIME_JAVA…) or a pattern such as yyyy-MM-dd; empty means ISO8601.
          </p>
        </div>
      );
    case 'lookup':
      return (
        <div class="stack">
          {input(true)}
          <LookupTable id={id} table={(a.table ?? {}) as Record<string, string>} onChange={(table) => set({ table })} />
        </div>
      );
    case 'conditional':
      return (
        <ConditionalFields id={id} attrs={a} onChange={(attributes) => onChange({ ...def, attributes })} ctx={ctx} />
      );
    case 'reference':
      return (
        <div class="stack">
          <datalist id={`${id}-names`}>
            {ctx.transformNames.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <Text
            id={`${id}-ref`}
            label="Named transform"
            value={String(a.id ?? '')}
            onChange={(v) => set({ id: v })}
            list={`${id}-names`}
            hint="A transform stored under Transforms, by name."
          />
          {input(true)}
        </div>
      );
    default:
      return null;
  }
}

/** `$variable eq value`: a variable (a value of its own), the value it is compared with, and the results. */
function ConditionalFields({
  id,
  attrs,
  onChange,
  ctx,
}: {
  id: string;
  attrs: Attrs;
  onChange: (a: Attrs) => void;
  ctx: Ctx;
}) {
  const { expression, positiveCondition, negativeCondition, ...variables } = attrs as Attrs & {
    expression: string;
    positiveCondition: string;
    negativeCondition: string;
  };
  const set = (patch: Attrs) => onChange({ ...attrs, ...patch });
  const m = CONDITION.exec(expression);
  const names = Object.keys(variables);
  const renameVariable = (from: string, to: string) => {
    const next: Attrs = { expression: m ? `$${to} eq ${m[2]}` : expression, positiveCondition, negativeCondition };
    for (const [k, v] of Object.entries(variables)) next[k === from ? to : k] = v;
    onChange(next);
  };
  return (
    <div class="stack">
      <Text
        id={`${id}-expr`}
        label="Condition"
        value={expression}
        onChange={(v) => set({ expression: v })}
        hint="$name eq value: the variable named below compared with a value, e.g. $status eq terminated."
      />
      {!m && <p class="field-error">The condition is “$name eq value”.</p>}
      {names.map((n) => (
        <div key={n} class="stack">
          <Text
            id={`${id}-var-${n}`}
            label="Variable name"
            value={n}
            onChange={(to) => /^[A-Za-z_]\w*$/.test(to) && !names.includes(to) && renameVariable(n, to)}
          />
          <ValueEditor
            id={`${id}-val-${n}`}
            label={`$${n}`}
            value={variables[n] as FormValue}
            onChange={(v) => set({ [n]: v })}
            ctx={ctx}
          />
        </div>
      ))}
      <div class="row">
        <Text
          id={`${id}-then`}
          label="Then (when true)"
          value={positiveCondition}
          onChange={(v) => set({ positiveCondition: v })}
        />
        <Text
          id={`${id}-else`}
          label="Else"
          value={negativeCondition}
          onChange={(v) => set({ negativeCondition: v })}
        />
      </div>
    </div>
  );
}
