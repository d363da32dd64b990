import { useEffect, useState } from 'preact/hooks';
import { getTask } from '../api/others';
import type { TaskStatus } from '../api/types';

/** Polling: quick at first (short tasks finish in a blink), then once a second — well under the rate limit. */
const delay = (attempt: number) => (attempt < 4 ? 250 : 1000);

/**
 * Follows a task until it completes; the page stays live while it runs. `onDone` fires once with
 * the final status.
 */
export function useTask(
  taskId: string | undefined,
  onDone?: (task: TaskStatus) => void,
): { task?: TaskStatus; error?: unknown } {
  const [state, setState] = useState<{ task?: TaskStatus; error?: unknown }>({});
  useEffect(() => {
    setState({});
    if (!taskId) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const poll = async () => {
      try {
        const task = await getTask(taskId, controller.signal);
        if (controller.signal.aborted) return;
        setState({ task });
        if (task.completed) return onDone?.(task);
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, error }));
      }
      timer = setTimeout(poll, delay(attempt++));
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [taskId]);
  return state;
}
