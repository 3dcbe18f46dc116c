/**
 * Help for the grid's chart columns (the loss sparkline and the decision-boundary thumbnail), in
 * the voice of the setting and result help (src/engine/column-help.ts): what the chart shows, what
 * to look for, what goes wrong. These columns are the page's own (they hold no value, formulas
 * cannot name them), so their help lives beside the page rather than in the engine's table.
 */
import { type HelpLocale, type HelpText, columnHelp } from '../engine/column-help.ts';

export const VIEW_HELP: Readonly<Record<'curve' | 'boundary', Readonly<Record<HelpLocale, HelpText>>>> = {
  curve: {
    en: {
      does: 'Loss per epoch: the training loss (blue), and the validation loss (orange, dashed) when there is a validation split. Each row is scaled to its own box (a log scale when the loss spans decades); live while the row trains. Hover it for the first and last loss, click the row for the full curves.',
      tryThis: 'Look at the shape, not the height: a curve that falls and flattens has learned what it can; one still falling wants more epochs or a larger learning rate. With a validation split, the point where the dashed curve turns up is where training should have stopped.',
      wrong: 'A curve going up, or jumping about, is diverging: lower the learning rate. A flat line from the start is not learning (rate too small, or no hidden layer on XOR). A dashed curve rising while the blue one falls is overfitting.',
    },
    ko: {
      does: '에포크별 손실: 훈련 손실(파란색)과, 검증 분할이 있으면 검증 손실(주황색 점선). 행마다 자기 칸에 맞춰 그립니다(손실이 몇 자릿수에 걸치면 로그 눈금). 학습 중에는 실시간으로 그려집니다. 마우스를 올리면 처음과 마지막 손실이, 행을 누르면 전체 곡선이 보입니다.',
      tryThis: '높이보다 모양을 보세요. 내려가다 평평해진 곡선은 배울 만큼 배운 것이고, 아직 내려가는 중이면 에포크를 늘리거나 학습률을 키워 보세요. 검증 분할이 있으면 점선이 다시 올라가기 시작하는 곳이 멈췄어야 할 곳입니다.',
      wrong: '곡선이 올라가거나 들쭉날쭉하면 발산하는 중입니다. 학습률을 낮추세요. 처음부터 평평하면 배우지 못하는 것입니다(학습률이 너무 작거나, XOR에 은닉층이 없음). 파란 선은 내려가는데 점선이 올라가면 과대적합입니다.',
    },
  },
  boundary: {
    en: {
      does: 'For 2-D datasets: what the model predicts over the plane, tinted by class (for regression: blue above 0, orange below); stronger where it is surer. Redrawn while the row trains; click the row for a large view with the training points.',
      tryThis: 'Compare the shape with the data\'s: XOR needs two crossing lines, the circle a closed curve, the spiral a winding band. Add a hidden layer or units and watch the boundary bend.',
      wrong: 'A boundary that stays straight on XOR, a circle or a spiral means the model is too small (no hidden layer, too few units) or has not trained long enough. Islands and wiggles around single points mean it is memorizing the noise (overfitting). Pale everywhere means it is unsure of everything.',
    },
    ko: {
      does: '2차원 데이터셋에서 모델이 평면 위 각 지점을 어느 클래스로 예측하는지 색으로 보여 줍니다(회귀에서는 0보다 크면 파란색, 작으면 주황색). 확신이 클수록 진합니다. 학습 중에도 다시 그려지며, 행을 누르면 훈련 점과 함께 크게 보입니다.',
      tryThis: '경계의 모양을 데이터와 비교하세요. XOR에는 교차하는 두 직선, circle에는 닫힌 곡선, spiral에는 휘감기는 띠가 필요합니다. 은닉층이나 유닛을 더하고 경계가 휘는 것을 보세요.',
      wrong: 'XOR, circle, spiral에서 경계가 직선으로 남으면 모델이 너무 작거나(은닉층 없음, 유닛 부족) 충분히 학습하지 않은 것입니다. 점 하나하나를 감싸는 섬과 구불구불한 경계는 노이즈를 외우는 과대적합입니다. 전체가 옅으면 어디서도 확신하지 못하는 것입니다.',
    },
  },
};

/** Whether `key` is one of the chart columns (no formula name, help from VIEW_HELP). */
export function isViewColumn(key: string): key is keyof typeof VIEW_HELP {
  return Object.hasOwn(VIEW_HELP, key);
}

/** The help of any grid column: a setting or result (the engine's table), or a chart column. */
export function gridColumnHelp(key: string, locale: HelpLocale): HelpText | undefined {
  return isViewColumn(key) ? VIEW_HELP[key][locale] : columnHelp(key, locale);
}
