import type { WalkResult } from '../collect/walk-result.js';
import { byDefault, measured } from './calibrated-values.js';
import type { CalibratedValues } from './model-file.js';

/**
 * Parameters a trace of these events cannot show, with why; each keeps its documented default
 * (src/sim/params.ts). Also the two probabilities the trace does show directly (errors, FUA).
 */

export function untraceable(w: WalkResult, dsyncWrites: boolean): CalibratedValues {
  const k = w.kernel;
  const v: CalibratedValues = {
    irqDelayNs: byDefault('irqDelayNs', 'The device finishing a request is not an event, so its delay to the interrupt cannot be told from the service time (which absorbs it).'),
    idleWakeNs: byDefault('idleWakeNs', 'An idle CPU leaving its idle state happens before irq_handler_entry, after an untraced device completion: it cannot be told from the service time.'),
    irqCoalesceCount: byDefault('irqCoalesceCount', 'Interrupt aggregation is device configuration; the completions per interrupt it causes are measured (measured.completionsPerIrq) and emerge in the model.'),
    irqCoalesceNs: byDefault('irqCoalesceNs', 'Interrupt aggregation is device configuration, not traced.'),
    queueDepth: byDefault('queueDepth', 'The device\'s own queue limit is not traced, only the requests in flight.'),
    serviceSigma: byDefault('serviceSigma', 'Only shapes the lognormal service time; the calibrated one is empirical.'),
    wakeupGranNs: byDefault('wakeupGranNs', 'A scheduler tunable (sysctl), not traced.'),
    sleeperCreditNs: byDefault('sleeperCreditNs', 'A scheduler feature (GENTLE_FAIR_SLEEPERS), not traced.'),
    pageCacheProb: byDefault('pageCacheProb', 'Whether the file has page-cache pages is not traced.'),
  };
  v.errorProb = k.completions > 0 ? measured(k.errors / k.completions, k.completions, 'share of the followed I/Os\' block_rq_complete with a non-zero error') : byDefault('errorProb', 'No block completion followed.');
  v.deviceFua =
    dsyncWrites && w.workload.issues > 0
      ? measured(w.workload.fua * 2 > w.workload.issues, w.workload.issues, 'O_DSYNC writes issued with FUA (rwbs WF…) above half')
      : byDefault('deviceFua', 'Only O_DSYNC writes show whether the device takes FUA.');
  return v;
}
