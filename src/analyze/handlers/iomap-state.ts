import type { DioRecord } from '../records.js';
import { TaskMap } from '../task-map.js';

/** What the iomap handler (iomap.ts) keeps between events; a unit switch starts it empty. */
export interface IomapState {
  /** Outstanding DIOs by `dev:ino`, oldest first. */
  dios: Map<string, DioRecord[]>;
  /** The DIO each task is submitting (between rw_begin and rw_queued), for linking its requests. */
  submitting: TaskMap<DioRecord>;
}

export function iomapState(): IomapState {
  return { dios: new Map(), submitting: new TaskMap(true) };
}
