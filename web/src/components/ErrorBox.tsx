import { ApiError } from '../api/client';

/** An error in words: the server's messages, then its causes; never raw JSON. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const messages = api ? api.messages : [error instanceof Error ? error.message : String(error)];
  const causes = api?.causes.filter((c) => !messages.includes(c)) ?? [];
  return (
    <div class="error" role="alert">
      {title && <strong>{title}</strong>}
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
      {causes.length > 0 && (
        <ul>
          {causes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
      {api?.trackingId && <p class="muted small">Tracking id {api.trackingId}</p>}
    </div>
  );
}
