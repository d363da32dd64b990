import type { Source } from '../../api/types';
import { describeUnknown, unknownAttributes } from '../../lib/transform-form';
import type { Attrs, Ctx } from './TransformForm';

/** The leaf inputs of the transform form (TransformForm.tsx): a labelled text, an account attribute, a lookup table. */

export function Text({
  id,
  label,
  value,
  onChange,
  hint,
  list,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  list?: string;
}) {
  return (
    <div class="stack grow">
      <label for={id}>{label}</label>
      <input id={id} name={id} value={value} list={list} onInput={(e) => onChange(e.currentTarget.value)} />
      {hint && <p class="hint">{hint}</p>}
    </div>
  );
}

/** Source and attribute: the attribute from the source's columns, or typed (a column it has not seen is warned about). */
export function AccountFields({
  id,
  attrs,
  onChange,
  ctx,
}: {
  id: string;
  attrs: Attrs;
  onChange: (s: Source, attribute: string) => void;
  ctx: Ctx;
}) {
  const source =
    ctx.sources.find((s) => s.id === attrs.sourceId) ??
    ctx.sources.find((s) => s.name.toLowerCase() === String(attrs.sourceName ?? '').toLowerCase()) ??
    ctx.defaultSource;
  const attribute = String(attrs.attributeName ?? '');
  const unknown = source
    ? unknownAttributes({ type: 'accountAttribute', attributes: { sourceId: source.id, attributeName: attribute } }, [
        source,
      ])
    : [];
  return (
    <div class="stack">
      <div class="row">
        <div class="stack grow">
          <label for={`${id}-source`}>Source</label>
          <select
            id={`${id}-source`}
            name={`${id}-source`}
            value={source?.id ?? ''}
            onChange={(e) => onChange(ctx.sources.find((s) => s.id === e.currentTarget.value)!, attribute)}
          >
            <option value="" disabled>
              Choose a source
            </option>
            {ctx.sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="stack grow">
          <label for={`${id}-attr`}>Account attribute</label>
          <input
            id={`${id}-attr`}
            name={`${id}-attr`}
            list={`${id}-attrs`}
            value={attribute}
            disabled={!source}
            onInput={(e) => source && onChange(source, e.currentTarget.value)}
          />
          <datalist id={`${id}-attrs`}>
            {(source?.accountAttributeNames ?? []).map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </div>
      </div>
      {unknown.map((u) => (
        <p key={u.attributeName} class="notice unknown-attribute" role="status">
          {describeUnknown(u)}
        </p>
      ))}
    </div>
  );
}

export function LookupTable({
  id,
  table,
  onChange,
}: {
  id: string;
  table: Record<string, string>;
  onChange: (t: Record<string, string>) => void;
}) {
  const rows = Object.entries(table).filter(([k]) => k !== 'default');
  const rebuild = (entries: Array<[string, string]>, fallback = table.default) => {
    const next: Record<string, string> = {};
    for (const [k, v] of entries) next[k] = v;
    if (fallback !== undefined) next.default = fallback;
    onChange(next);
  };
  return (
    <fieldset class="lookup-table">
      <legend>Table</legend>
      {rows.map(([k, v], i) => (
        <div key={i} class="row end">
          <Text
            id={`${id}-k${i}`}
            label={`Value ${i + 1}`}
            value={k}
            onChange={(nk) => rebuild(rows.map((r, j) => (j === i ? [nk, r[1]] : r)))}
          />
          <Text
            id={`${id}-r${i}`}
            label="becomes"
            value={v}
            onChange={(nv) => rebuild(rows.map((r, j) => (j === i ? [r[0], nv] : r)))}
          />
          <button
            type="button"
            class="quiet"
            aria-label={`Remove row ${i + 1}`}
            onClick={() => rebuild(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <div class="row end">
        <button
          type="button"
          onClick={() => rebuild([...rows, [rows.some(([k]) => k === '') ? `value ${rows.length + 1}` : '', '']])}
        >
          Add a row
        </button>
        <Text
          id={`${id}-default`}
          label="Any other value becomes (default)"
          value={table.default ?? ''}
          onChange={(d) => rebuild(rows, d)}
        />
      </div>
      <p class="hint">Without a default, a value not in the table is an error.</p>
    </fieldset>
  );
}
