import { useState } from 'preact/hooks';
import type { Mapping, TransformDefinition } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { accountAttribute, isSimpleMapping } from '../../lib/mappings';
import { useSources } from '../../lib/sources';
import { describeUnknown, formFits, starter, unknownAttributes } from '../../lib/transform-form';
import { AccountAttributeFields } from './AccountAttributeFields';
import { TransformForm } from './TransformForm';

type Mode = 'attribute' | 'form' | 'json';

const STANDARD = [
  'uid',
  'email',
  'firstname',
  'lastname',
  'displayName',
  'employeeNumber',
  'department',
  'title',
  'phone',
];

interface Props {
  mapping?: Mapping;
  serverErrors?: string[];
  taken: string[];
  defaultSourceId: string;
  onApply: (m: Mapping) => void;
  onClose: () => void;
}

function parse(text: string): { definition?: TransformDefinition; error?: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as { type?: unknown }).type !== 'string') {
      return { error: 'A transform is an object with a "type" (e.g. "lower") and usually "attributes".' };
    }
    return { definition: v as TransformDefinition };
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
}

/**
 * Edits one mapping: the common `accountAttribute` case with a source and one of its learned
 * attributes picked from lists; the common transforms (lower, concat, lookup, conditional, …) as
 * a form; any transform as JSON, checked by the server on save. A definition with parts the form
 * does not show opens as JSON (the form never drops what it cannot show).
 */
export function MappingDialog({ mapping, serverErrors, taken, defaultSourceId, onApply, onClose }: Props) {
  const { sources } = useSources();
  const initial = mapping?.transformDefinition;
  const [name, setName] = useState(mapping?.identityAttributeName ?? '');
  const [mode, setMode] = useState<Mode>(
    !initial || isSimpleMapping(initial) ? 'attribute' : formFits(initial) ? 'form' : 'json',
  );
  const [definition, setDefinition] = useState<TransformDefinition | undefined>(initial);
  const [json, setJson] = useState(JSON.stringify(initial ?? { type: 'accountAttribute', attributes: {} }, null, 2));
  const parsed = mode === 'json' ? parse(json) : { definition };
  const duplicate = taken.includes(name.trim());
  const simpleOk =
    mode === 'attribute' && !!definition && !!(definition.attributes as Record<string, unknown> | null)?.attributeName;
  const canApply = !!name.trim() && !duplicate && (mode === 'attribute' ? simpleOk : !!parsed.definition);
  const source = sources.find((s) => s.id === defaultSourceId);
  // the form edits what is there now; a JSON text that does not parse, or has parts the form does not show, stays JSON
  const formOk = mode !== 'json' || (!!parsed.definition && formFits(parsed.definition));

  const switchTo = (next: Mode) => {
    const current = parsed.definition;
    if (next === 'json') setJson(JSON.stringify(current ?? { type: 'accountAttribute', attributes: {} }, null, 2));
    if (next === 'attribute') setDefinition(current && isSimpleMapping(current) ? current : undefined);
    if (next === 'form') setDefinition(current && formFits(current) ? current : starter('lower', source, current));
    setMode(next);
  };
  const unknown = mode === 'form' ? [] : unknownAttributes(parsed.definition, sources);
  const submit = (e: Event) => {
    e.preventDefault();
    if (canApply) onApply({ identityAttributeName: name.trim(), transformDefinition: parsed.definition! });
  };

  return (
    <Dialog title={mapping ? `Edit mapping: ${mapping.identityAttributeName}` : 'Add mapping'} onClose={onClose} wide>
      <form class="stack" onSubmit={submit}>
        {serverErrors && (
          <div class="error" role="alert">
            <strong>The server refused this mapping</strong>
            {serverErrors.map((t) => (
              <p key={t}>{t}</p>
            ))}
          </div>
        )}
        <label for="m-name">Identity attribute</label>
        <input
          id="m-name"
          name="identityAttributeName"
          list="m-standard"
          required
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-describedby="m-name-hint"
        />
        <datalist id="m-standard">
          {STANDARD.filter((s) => !taken.includes(s)).map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <p id="m-name-hint" class={duplicate ? 'field-error' : 'hint'}>
          {duplicate
            ? `“${name.trim()}” is already mapped.`
            : 'Any name: standard ones are uid, email, firstname, lastname, displayName.'}
        </p>
        <fieldset class="modes">
          <legend>Value from</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'attribute'} onChange={() => switchTo('attribute')} /> An
            account attribute
          </label>
          <label title={formOk ? undefined : 'This definition has parts the form does not show: edit it as JSON'}>
            <input
              type="radio"
              name="mode"
              checked={mode === 'form'}
              disabled={!formOk}
              onChange={() => switchTo('form')}
            />{' '}
            A transform (form)
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'json'} onChange={() => switchTo('json')} /> A transform
            (JSON)
          </label>
        </fieldset>
        {mode === 'json' && !formOk && parsed.definition && (
          <p class="hint">
            This transform has parts the form does not show (or a type it does not cover): it is edited as JSON.
          </p>
        )}
        {mode === 'attribute' ? (
          <AccountAttributeFields
            sources={sources}
            value={definition && isSimpleMapping(definition) ? definition : undefined}
            defaultSource={source}
            onChange={(s, attribute) => setDefinition(accountAttribute(s, attribute))}
          />
        ) : mode === 'form' && definition ? (
          <TransformForm value={definition} onChange={setDefinition} sources={sources} defaultSource={source} />
        ) : (
          <>
            <label for="m-json">Transform definition</label>
            <textarea
              id="m-json"
              name="transformDefinition"
              class="code"
              rows={12}
              spellcheck={false}
              value={json}
              onInput={(e) => setJson(e.currentTarget.value)}
              aria-invalid={!!parsed.error}
              aria-describedby="m-json-error"
            />
            <p id="m-json-error" class={parsed.error ? 'field-error' : 'hint'}>
              {parsed.error ??
                'Any ISC transform, e.g. {"type": "lower", "attributes": {"input": {"type": "accountAttribute", …}}}. The server checks it when you save.'}
            </p>
          </>
        )}
        {unknown.map((u) => (
          <p key={`${u.source}-${u.attributeName}`} class="notice unknown-attribute" role="status">
            {describeUnknown(u)}
          </p>
        ))}
        <div class="buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={!canApply}>
            {mapping ? 'Apply' : 'Add'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
