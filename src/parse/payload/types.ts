import type { EventHeader } from '../../model/events.js';

/** What a payload parser returns: the event without its header fields, which the line parser adds. */
export type Payload<T extends EventHeader> = Omit<T, keyof EventHeader>;
