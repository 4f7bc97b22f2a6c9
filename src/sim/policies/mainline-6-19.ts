import { IOMAP_DIO_WORK } from '../../kernel/work-functions.js';
import type { Policy } from './types.js';

/**
 * Upstream since 6.19 (Hellwig, "enable iomap dio write completions from interrupt context").
 *
 * At submission IOMAP_DIO_COMP_WORK is set when the write extends i_size, the mapping is not
 * IOMAP_MAPPED (unwritten), IOMAP_F_SHARED (COW) or IOMAP_F_NEW, or NEED_SYNC is still set after
 * submission (not every bio was FUA/write-through). At completion (iomap_dio_done): errors →
 * COMP_WORK; a write with f_mapping->nrpages → COMP_WORK; otherwise the completion runs inline in
 * ->bi_end_io. Extending writes are forced to wait (IOMAP_DIO_FORCE_WAIT) by ext4, so they
 * complete in the submitter.
 *
 * Simplifications: COW and newly allocated blocks are folded into `unwritten`.
 */
export const mainline619: Policy = {
  name: 'mainline-6.19',
  workFunction: IOMAP_DIO_WORK,
  waits: (io) => io.syncKiocb || (io.write && io.extent === 'extending'),
  complete(io) {
    if (io.error) return { where: 'defer', reason: 'error: always completed in task context' };
    if (!io.write) return { where: 'inline', reason: 'read' };
    if (io.extent === 'unwritten') return { where: 'defer', reason: 'COMP_WORK: mapping not IOMAP_MAPPED (unwritten)' };
    if (io.dsync && !(io.deviceFua && io.extent === 'overwrite')) return { where: 'defer', reason: 'COMP_WORK: NEED_SYNC without FUA' };
    if (io.pageCache) return { where: 'defer', reason: 'COMP_WORK: page-cache pages present' };
    return { where: 'inline', reason: io.dsync ? 'FUA overwrite: NEED_SYNC cleared' : 'pure overwrite' };
  },
  fua: (io) => io.write && io.dsync && io.deviceFua && io.extent === 'overwrite',
  dioFlags: (io) => (io.write && io.extent === 'extending' ? 'DIO_FORCE_WAIT' : ''),
};
