import type { ComponentChildren } from 'preact';
import { parseAttributes, pretty } from '../lib/json-text';

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  /** Shown under the field; the field's own syntax error takes its place. */
  hint?: ComponentChildren;
  /** Show the syntax error (after a first edit or a submit, not while the field is pristine). */
  showError?: boolean;
  readOnly?: boolean;
  rows?: number;
}

/**
 * A JSON object in a monospace textarea: the syntax error inline as you type (line and column),
 * and a Format button. Tab keeps moving focus (the keyboard is never trapped in the field);
 * Ctrl/Cmd+Enter submits the form.
 */
export function JsonEditor({ id, label, value, onChange, hint, showError = true, readOnly, rows = 12 }: Props) {
  const parsed = parseAttributes(value);
  const error = !parsed.ok && showError ? parsed.error : undefined;
  const format = () => parsed.ok && onChange(pretty(parsed.value));
  return (
    <div class="json-editor stack">
      <div class="section-head">
        <label for={id}>{label}</label>
        {!readOnly && (
          <button
            type="button"
            class="quiet"
            onClick={format}
            disabled={!parsed.ok || !value.trim()}
            title={parsed.ok ? undefined : 'Fix the syntax error first'}
          >
            Format JSON
          </button>
        )}
      </div>
      <textarea
        id={id}
        name={id}
        class="code"
        rows={rows}
        spellcheck={false}
        autocapitalize="off"
        autocomplete="off"
        readOnly={readOnly}
        value={value}
        onInput={(e) => onChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter submits the form the editor is in (as in most code editors).
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        aria-invalid={!!error}
        aria-describedby={`${id}-note`}
      />
      <p id={`${id}-note`} class={error ? 'field-error' : 'hint'} aria-live="polite">
        {error ?? hint}
        {!error && !readOnly && <span> Ctrl+Enter submits.</span>}
      </p>
    </div>
  );
}
