/** The toolbar switch between this browser's workers and the job queue of `sweepsheet serve --redis`. */
const en = {
  'queue.toggle': 'Run on the queue',
  'queue.toggleTitle': 'On: rows you run from now on train on the shared job queue, on any machine running `sweepsheet worker`. Off: they train in this browser.',
} as const;

const ko: Record<keyof typeof en, string> = {
  'queue.toggle': '큐에서 실행',
  'queue.toggleTitle': '켜면: 지금부터 실행하는 행은 공유 작업 큐에서, `sweepsheet worker`를 실행 중인 어느 컴퓨터에서든 학습합니다. 끄면: 이 브라우저에서 학습합니다.',
};

export const queue = { en, ko };
