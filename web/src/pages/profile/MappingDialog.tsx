import { useState } from 'preact/hooks';
import type { Mapping, TransformDefinition } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { accountAttribute, isSimpleMapping } from '../../lib/mappings';
import { useSources } from '../../lib/sources';
import { AccountAttributeFields } from './AccountAttributeFields';

const STANDARD = ['uid', 'email', 'firstname', 'lastname', 'displayName', 'employeeNumber', 'department', 'title', 'phone'];

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
 * attributes picked from lists; anything else as a JSON transform, checked by the server on save.
 */
export function MappingDialog({ mapping, serverErrors, taken, defaultSourceId, onApply, onClose }: Props) {
  const { sources } = useSources();
  const initial = mapping?.transformDefinition;
  const [name, setName] = useState(mapping?.identityAttributeName ?? '');
  const [mode, setMode] = useState<'attribute' | 'json'>(!initial || isSimpleMapping(initial) ? 'attribute' : 'json');
  const [definition, setDefinition] = useState<TransformDefinition | undefined>(initial);
  const [json, setJson] = useState(JSON.stringify(initial ?? { type: 'accountAttribute', attributes: {} }, null, 2));
  const parsed = mode === 'json' ? parse(json) : { definition };
  const duplicate = taken.includes(name.trim());
  const simpleOk = mode === 'attribute' && !!definition && !!(definition.attributes as Record<string, unknown> | null)?.attributeName;
  const canApply = !!name.trim() && !duplicate && (mode === 'json' ? !!parsed.definition : simpleOk);

  const switchTo = (next: 'attribute' | 'json') => {
    if (next === 'json') setJson(JSON.stringify(definition ?? { type: 'accountAttribute', attributes: {} }, null, 2));
    if (next === 'attribute') setDefinition(parsed.definition && isSimpleMapping(parsed.definition) ? parsed.definition : undefined);
    setMode(next);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (canApply) onApply({ identityAttributeName: name.trim(), transformDefinition: parsed.definition! });
  };
  const source = sources.find((s) => s.id === defaultSourceId);

  return (
    <Dialog title={mapping ? `Edit mapping: ${mapping.identityAttributeName}` : 'Add mapping'} onClose={onClose} wide>
      <form class="stack" onSubmit={submit}>
        {serverErrors && (
          <div class="error" role="alert">
            <strong>The server refused this mapping</strong>
            {serverErrors.map((t) => <p key={t}>{t}</p>)}
          </div>
        )}
        <label for="m-name">Identity attribute</label>
        <input id="m-name" name="identityAttributeName" list="m-standard" required value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby="m-name-hint" />
        <datalist id="m-standard">
          {STANDARD.filter((s) => !taken.includes(s)).map((s) => <option key={s} value={s} />)}
        </datalist>
        <p id="m-name-hint" class={duplicate ? 'field-error' : 'hint'}>
          {duplicate ? `“${name.trim()}” is already mapped.` : 'Any name: standard ones are uid, email, firstname, lastname, displayName.'}
        </p>
        <fieldset class="modes">
          <legend>Value from</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'attribute'} onChange={() => switchTo('attribute')} /> An account attribute
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'json'} onChange={() => switchTo('json')} /> A transform (JSON)
          </label>
        </fieldset>
        {mode === 'attribute' ? (
          <AccountAttributeFields
            sources={sources}
            value={definition && isSimpleMapping(definition) ? definition : undefined}
            defaultSource={source}
            onChange={(s, attribute) => setDefinition(accountAttribute(s, attribute))}
          />
        ) : (
          <>
            <label for="m-json">Transform definition</label>
            <textarea id="m-json" name="transformDefinition" class="code" rows={12} spellcheck={false} value={json} onInput={(e) => setJson(e.currentTarget.value)} aria-invalid={!!parsed.error} aria-describedby="m-json-error" />
            <p id="m-json-error" class={parsed.error ? 'field-error' : 'hint'}>
              {parsed.error ?? 'Any ISC transform, e.g. {"type": "lower", "attributes": {"input": {"type": "accountAttribute", …}}}. The server checks it when you save.'}
            </p>
          </>
        )}
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
