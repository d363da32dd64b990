import type { Source } from '../api/types';
import { useSources } from '../lib/sources';
import { ErrorBox } from './ErrorBox';

/** A labelled select of the sources (by name); `onChange` gets the id and the source. */
export function SourceSelect({
  id,
  label,
  value,
  onChange,
  required,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (id: string, source?: Source) => void;
  required?: boolean;
}) {
  const { sources, loading, error } = useSources();
  return (
    <>
      <label for={id}>{label}</label>
      <select
        id={id}
        name={id}
        required={required}
        value={value}
        onChange={(e) =>
          onChange(
            e.currentTarget.value,
            sources.find((s) => s.id === e.currentTarget.value),
          )
        }
      >
        <option value="" disabled>
          {loading
            ? 'Loading sources…'
            : sources.length
              ? 'Choose a source'
              : 'No sources yet: create one on the Sources page'}
        </option>
        {sources.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <ErrorBox error={error} />
    </>
  );
}
