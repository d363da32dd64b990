import { useEffect, useState } from 'preact/hooks';
import type { Source, TransformDefinition } from '../../api/types';

interface Props {
  sources: Source[];
  value?: TransformDefinition;
  defaultSource?: Source;
  onChange: (source: Source, attribute: string) => void;
}

/** Source and attribute from lists: the attributes are the source's learned `accountAttributeNames`. */
export function AccountAttributeFields({ sources, value, defaultSource, onChange }: Props) {
  const attrs = (value?.attributes ?? {}) as { sourceId?: string; sourceName?: string; attributeName?: string };
  const initial = sources.find((s) => s.id === attrs.sourceId || s.name === attrs.sourceName) ?? defaultSource;
  const [sourceId, setSourceId] = useState(initial?.id ?? '');
  const [attribute, setAttribute] = useState(attrs.attributeName ?? '');
  useEffect(() => {
    if (!sourceId && initial) setSourceId(initial.id); // the sources arrived after the first render
  }, [initial?.id]);
  const source = sources.find((s) => s.id === sourceId);
  const names = source?.accountAttributeNames ?? [];
  useEffect(() => {
    if (source && attribute) onChange(source, attribute);
  }, [source?.id, attribute]);

  return (
    <div class="row">
      <div class="stack grow">
        <label for="m-source">Source</label>
        <select id="m-source" name="source" value={sourceId} onChange={(e) => setSourceId(e.currentTarget.value)}>
          <option value="" disabled>
            Choose a source
          </option>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div class="stack grow">
        <label for="m-attribute">Account attribute</label>
        <select
          id="m-attribute"
          name="attributeName"
          value={attribute}
          onChange={(e) => setAttribute(e.currentTarget.value)}
          disabled={!source}
        >
          <option value="" disabled>
            {source && !names.length ? 'No attributes yet: load a file into this source' : 'Choose an attribute'}
          </option>
          {attribute && !names.includes(attribute) && (
            <option value={attribute}>{attribute} (not in the last file)</option>
          )}
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
