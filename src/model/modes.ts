/**
 * Where an I/O completed, and what one I/O is: the two words every layer of the analysis speaks.
 * Their own file, so that the I/O path (io.ts) and the storage-stack layers (layers.ts), which
 * refer to each other's shapes, both take them from below.
 */

export type CompletionMode = 'irq-inline' | 'kworker-deferred' | 'task-inline' | 'unresolved';
export const COMPLETION_MODES: readonly CompletionMode[] = ['irq-inline', 'kworker-deferred', 'task-inline', 'unresolved'];

/** `dio`: one direct I/O (iomap_dio_rw_begin … iomap_dio_complete); `request`: one block request. */
export type IoUnit = 'dio' | 'request';
