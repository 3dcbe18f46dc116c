/**
 * Cells for a job that trains for seconds on a fast machine (about 3.4 s on a 2-core EPYC), for
 * tests that cancel or kill a job mid-run. A small dense model on the circle data runs hundreds of
 * epochs in about 0.1 s through the fused dense step, so a cancel or a kill sent at its first
 * progress could arrive after it had ended (the pool and job-port tests failed that way on a
 * faster machine). Batches of 1 through two 64-unit layers keep it busy well past any message
 * round trip, and a working cancel or kill ends it within an epoch or two anyway.
 */
export const SECONDS_LONG: Readonly<Record<string, string>> = {
  layers: 'dense(64, relu) dense(64, relu)', batch_size: '1', epochs: '500',
};
