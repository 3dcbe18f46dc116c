/**
 * What each column means, for people learning what hyperparameters do: what the setting does,
 * what to try, and what goes wrong — in English and Korean, drawn from the course notes'
 * workloads (W1–W11 in shared/seed-workloads.md). Plain data: the page shows it from the header's
 * "?" and its tooltip; the one-line `help` in columns.ts stays the short English description.
 */

/** The languages the help is written in (the page's locales). */
export type HelpLocale = 'en' | 'ko';

/** Help for one column in one language. Result columns may explain only what they show. */
export interface HelpText {
  /** What the setting does, or what the result means. */
  readonly does: string;
  /** Values to try and what to look for. */
  readonly tryThis?: string;
  /** What goes wrong, and how it shows in the results. */
  readonly wrong?: string;
}

export type ColumnHelp = Readonly<Record<HelpLocale, HelpText>>;

/** Every input and result column of columns.ts, by key (a unit test checks the two agree). */
export const COLUMN_HELP: Readonly<Record<string, ColumnHelp>> = {
  name: {
    en: {
      does: 'A label for the run, so you can tell the rows apart. Changing it never retrains.',
      tryThis: 'Name a row after the one thing it changes, e.g. "lr 0.3" or "dropout 0.5": comparing rows is the lesson.',
      wrong: 'Two rows with the same name and different settings are easy to confuse when you sort.',
    },
    ko: {
      does: '실험을 구별하기 위한 이름입니다. 바꿔도 다시 학습하지 않습니다.',
      tryThis: '행이 바꾸는 한 가지를 이름으로 붙이세요. 예: "lr 0.3", "dropout 0.5". 행끼리 비교하는 것이 곧 학습입니다.',
      wrong: '이름은 같고 설정이 다른 행은 정렬할 때 헷갈리기 쉽습니다.',
    },
  },
  dataset: {
    en: {
      does: 'The data the model learns. Toy 2-D sets (xor, circle, spiral, gaussian) train in seconds; iris has 150 flowers; mnist and fashion-mnist have 60,000 training images of 28x28 pixels, scaled to 0-1 as in the notes. mnist:5k trains on a seeded 5,000-image subset; the test set stays whole.',
      tryThis: 'xor with and without a hidden layer (W8); spiral to see depth matter; mnist:5k for quick MNIST lessons, full mnist to reproduce W1 (test acc about 0.98).',
      wrong: 'Full MNIST on two CPU cores takes minutes per epoch for big models: use a subset (mnist:2k) while exploring. Regression sets (plane, gauss-mix) report MAE, not accuracy.',
    },
    ko: {
      does: '모델이 학습할 데이터입니다. 2차원 장난감 데이터(xor, circle, spiral, gaussian)는 몇 초면 학습됩니다. iris는 붓꽃 150개, mnist와 fashion-mnist는 28x28 픽셀 훈련 이미지 60,000장이며, 노트처럼 0~1로 정규화합니다(/255). mnist:5k는 시드로 고른 5,000장만 학습하며 테스트 세트는 그대로입니다.',
      tryThis: 'xor를 은닉층 없이/있이 비교해 보세요(W8). spiral은 깊이가 왜 필요한지 보여 줍니다. MNIST는 mnist:5k로 빠르게, 전체 mnist로 W1(테스트 정확도 약 0.98)을 재현해 보세요.',
      wrong: '전체 MNIST에 큰 모델은 CPU 2코어에서 에포크당 몇 분이 걸립니다. 탐색할 때는 mnist:2k 같은 부분집합을 쓰세요. 회귀 데이터(plane, gauss-mix)는 정확도 대신 MAE를 보여 줍니다.',
    },
  },
  noise: {
    en: {
      does: 'How far the toy points scatter from their clean shape (0 to 0.5). Ignored by the image and iris sets.',
      tryThis: 'Train the same row at noise 0, 0.1 and 0.3: the boundary gets fuzzier and the best possible accuracy drops. The notes\' "noisy XOR cloud" is xor at about 0.2.',
      wrong: 'With much noise even a perfect model cannot reach 100 %; a big model then starts memorizing the noise: train accuracy above test accuracy is overfitting.',
    },
    ko: {
      does: '장난감 데이터의 점이 원래 모양에서 얼마나 흩어지는지(0~0.5)입니다. 이미지와 iris 데이터에는 쓰이지 않습니다.',
      tryThis: '같은 행을 noise 0, 0.1, 0.3으로 학습해 보세요. 경계가 흐려지고 도달 가능한 최고 정확도가 낮아집니다. 노트의 "노이즈 섞인 XOR"은 xor에 0.2 정도입니다.',
      wrong: '노이즈가 크면 완벽한 모델도 100 %에 도달할 수 없습니다. 큰 모델은 노이즈까지 외우기 시작합니다. 훈련 정확도가 테스트 정확도보다 높으면 과대적합입니다.',
    },
  },
  layers: {
    en: {
      does: 'The hidden layers, first to last, e.g. dense(512, relu) as in W1, or conv2d and maxpool layers for images (W4, W6). Empty means no hidden layer: a single-layer perceptron. The output layer (softmax over the classes) is added for you.',
      tryThis: 'XOR: empty vs dense(2, tanh) (W8). The same 5*dense(32, …) with sigmoid, tanh, relu, leakyrelu, elu (W9). Add dropout(0.5), batchnorm or l2=0.001 to fight overfitting (W11).',
      wrong: 'No hidden layer cannot bend the boundary: XOR stays at about 50-75 %. Deep sigmoid stacks learn slowly because their gradients vanish (W9). Too many units on little data memorize it: train accuracy 1.0, validation loss rising (W11).',
    },
    ko: {
      does: '은닉층을 순서대로 적습니다. 예: W1의 dense(512, relu), 이미지에는 conv2d와 maxpool(W4, W6). 비워 두면 은닉층이 없는 단층 퍼셉트론입니다. 출력층(클래스에 대한 softmax)은 자동으로 붙습니다.',
      tryThis: 'XOR: 빈 칸과 dense(2, tanh)를 비교하세요(W8). 같은 5*dense(32, …)에 sigmoid, tanh, relu, leakyrelu, elu를 넣어 보세요(W9). 과대적합을 막으려면 dropout(0.5), batchnorm, l2=0.001을 더해 보세요(W11).',
      wrong: '은닉층이 없으면 경계를 휠 수 없어 XOR은 50~75 %에 머뭅니다. 깊은 sigmoid 층은 기울기 소실 때문에 느리게 배웁니다(W9). 적은 데이터에 유닛이 너무 많으면 외워 버립니다: 훈련 정확도 1.0, 검증 손실 상승(W11).',
    },
  },
  optimizer: {
    en: {
      does: 'How the weights move along the gradient each step: sgd (plain steps), momentum (keeps velocity), adagrad, adadelta and rmsprop (per-weight step sizes from past gradients), adam (momentum plus rmsprop), with Keras\' defaults.',
      tryThis: 'Keep the model and compare all six (W10): adam at 0.001 is a safe start (W2, W3); W1 uses rmsprop at 0.001. Plain sgd usually wants a larger rate, such as 0.01-0.1.',
      wrong: 'Each optimizer has its own good learning-rate range: sgd at 0.001 crawls, adam at 0.1 may diverge. adagrad\'s steps shrink over time and can stall; adadelta barely moves at small rates.',
    },
    ko: {
      does: '매 단계 기울기를 따라 가중치를 어떻게 움직일지 정합니다. sgd(기본 경사하강), momentum(속도 유지), adagrad·adadelta·rmsprop(지난 기울기로 가중치마다 보폭 조절), adam(모멘텀 + rmsprop). 기본값은 Keras와 같습니다.',
      tryThis: '모델은 그대로 두고 여섯 가지를 비교하세요(W10). adam 0.001이 무난한 출발점입니다(W2, W3). W1은 rmsprop 0.001을 씁니다. 기본 sgd는 보통 0.01~0.1처럼 더 큰 학습률이 필요합니다.',
      wrong: '옵티마이저마다 알맞은 학습률 범위가 다릅니다. sgd 0.001은 너무 느리고, adam 0.1은 발산할 수 있습니다. adagrad는 보폭이 점점 줄어 멈출 수 있고, adadelta는 작은 학습률에서 거의 움직이지 않습니다.',
    },
  },
  lr: {
    en: {
      does: 'The learning rate: how big a step the optimizer takes against the gradient. The notes use 0.001 with adam and rmsprop (W1, W2, W3, W7).',
      tryThis: 'Sweep it on a log scale, e.g. 0.003, 0.03, 0.3, 3, or type logspace(1e-4, 1, 5) to make one row per value, and watch the loss curves.',
      wrong: 'Too high: the loss jumps up or becomes NaN and the row says diverged, with the epoch. Too low: the loss barely moves in the epochs you gave it.',
    },
    ko: {
      does: '옵티마이저가 기울기 반대 방향으로 내딛는 보폭입니다. 노트는 adam과 rmsprop에 0.001을 씁니다(W1, W2, W3, W7).',
      tryThis: '0.003, 0.03, 0.3, 3처럼 로그 간격으로 바꿔 보거나, logspace(1e-4, 1, 5)를 입력해 값마다 행을 만들고 손실 곡선을 비교하세요.',
      wrong: '너무 크면 손실이 튀어 오르거나 NaN이 되어 행에 "발산"과 그 에포크가 표시됩니다. 너무 작으면 주어진 에포크 동안 손실이 거의 줄지 않습니다.',
    },
  },
  batch_size: {
    en: {
      does: 'How many samples are averaged into one gradient step. The notes use 128 (W1), 32 (W2) and 64 (W3).',
      tryThis: 'Compare 16, 128 and 1024 for the same number of epochs: small batches take more, noisier steps per epoch; large batches fewer, smoother ones (and run faster per sample).',
      wrong: 'Very large batches take few steps per epoch and may need more epochs or a larger learning rate; batch 1 is slow and jumpy.',
    },
    ko: {
      does: '한 번의 기울기 계산에 평균하는 샘플 수입니다. 노트는 128(W1), 32(W2), 64(W3)를 씁니다.',
      tryThis: '같은 에포크 수로 16, 128, 1024를 비교하세요. 작은 배치는 에포크당 더 많고 더 흔들리는 걸음을, 큰 배치는 더 적고 매끄러운 걸음을 걷습니다(샘플당 속도는 더 빠릅니다).',
      wrong: '배치가 아주 크면 에포크당 걸음 수가 적어 더 많은 에포크나 더 큰 학습률이 필요할 수 있습니다. 배치 1은 느리고 들쭉날쭉합니다.',
    },
  },
  epochs: {
    en: {
      does: 'How many passes over the training set (at most 500). W1 trains 5 epochs, W6 and W7 15, W3 up to 20 with early stopping.',
      tryThis: 'Train long with a validation split and look at the curves: where the validation loss is lowest is where you should have stopped.',
      wrong: 'Too few: the model is still learning (underfitting). Too many: training loss keeps falling while validation loss rises (overfitting), and it costs time.',
    },
    ko: {
      does: '훈련 세트를 몇 번 반복해서 볼지 정합니다(최대 500). W1은 5 에포크, W6·W7은 15, W3는 조기 종료와 함께 최대 20 에포크입니다.',
      tryThis: '검증 비율을 두고 길게 학습한 뒤 곡선을 보세요. 검증 손실이 가장 낮은 지점이 멈췄어야 할 곳입니다.',
      wrong: '너무 적으면 아직 배우는 중입니다(과소적합). 너무 많으면 훈련 손실은 계속 줄지만 검증 손실은 오릅니다(과대적합). 시간도 더 듭니다.',
    },
  },
  seed: {
    en: {
      does: 'The random seed behind the toy data, the subset and validation split, the initial weights, dropout and shuffling: the same seed on the same backend gives the same run.',
      tryThis: 'Type 1..5 to repeat a row over five seeds: the row shows mean ± sd, which tells you whether a difference between two settings is real or luck.',
      wrong: 'One seed can mislead: a small net on XOR may fail on one seed and succeed on another. Compare settings over several seeds before drawing a conclusion.',
    },
    ko: {
      does: '장난감 데이터, 부분집합과 검증 분할, 초기 가중치, 드롭아웃, 셔플에 쓰이는 난수 시드입니다. 같은 백엔드에서 같은 시드는 같은 결과를 냅니다.',
      tryThis: '1..5를 입력하면 시드 다섯 개로 반복하고 평균 ± 표준편차를 보여 줍니다. 두 설정의 차이가 진짜인지 운인지 알 수 있습니다.',
      wrong: '시드 하나만 보면 속을 수 있습니다. XOR의 작은 망은 어떤 시드에서는 실패하고 다른 시드에서는 성공합니다. 결론 전에 여러 시드로 비교하세요.',
    },
  },
  val_split: {
    en: {
      does: 'The fraction of the training set held out for validation (stratified, seeded), as W3 holds out 20 %. The model never trains on it; the test set is held out separately.',
      tryThis: 'Use 0.2 whenever you want to see overfitting (W11) or use the callbacks: early stop, reduce lr and keep best all watch the validation loss.',
      wrong: 'Without a validation split you cannot see the train/validation gap and the callbacks have nothing to watch. On tiny data a large split leaves too little to learn from.',
    },
    ko: {
      does: '훈련 세트에서 검증용으로 떼어 두는 비율입니다(층화, 시드 고정). W3는 20 %를 떼어 둡니다. 모델은 이 데이터로 학습하지 않으며, 테스트 세트는 따로 있습니다.',
      tryThis: '과대적합을 보거나(W11) 콜백을 쓸 때는 0.2로 두세요. 조기 종료, 학습률 감소, 최적 가중치 유지 모두 검증 손실을 봅니다.',
      wrong: '검증 비율이 없으면 훈련/검증 차이를 볼 수 없고 콜백도 볼 것이 없습니다. 데이터가 아주 적을 때 비율이 크면 학습할 데이터가 너무 적어집니다.',
    },
  },
  early_stop: {
    en: {
      does: 'EarlyStopping: stop after this many epochs without a better validation loss (W3 uses 3). 0 is off.',
      tryThis: 'Set epochs high (50), val split 0.2 and early stop 3, then compare epochs run and best epoch with the same row without it.',
      wrong: 'Patience too small stops on a noisy bump before the model has learned; without keep best the model kept is the last one, a few epochs past the best.',
    },
    ko: {
      does: 'EarlyStopping: 검증 손실이 이 에포크 수만큼 나아지지 않으면 멈춥니다(W3는 3). 0이면 꺼집니다.',
      tryThis: '에포크를 50으로 크게, 검증 비율 0.2, 조기 종료 3으로 두고, 같은 행을 조기 종료 없이 돌린 것과 실행 에포크·최적 에포크를 비교하세요.',
      wrong: '인내심이 너무 작으면 일시적인 흔들림에 멈춰 충분히 배우지 못합니다. 최적 가중치 유지가 없으면 최적보다 몇 에포크 지난 마지막 모델이 남습니다.',
    },
  },
  reduce_lr: {
    en: {
      does: 'ReduceLROnPlateau as "factor, patience": multiply the learning rate by factor after patience epochs without a better validation loss. W3 uses 0.1, 2. off disables it.',
      tryThis: 'Start with a somewhat high rate and 0.1, 2 (or 0.5, 3): the final lr column shows how often it stepped down; the loss curve drops again after each step.',
      wrong: 'A factor too small or patience too short shrinks the rate to almost nothing and training stalls early; it needs a validation split to watch.',
    },
    ko: {
      does: 'ReduceLROnPlateau를 "비율, 인내 에포크"(factor, patience)로 적습니다. 검증 손실이 인내 에포크 동안 나아지지 않으면 학습률에 비율을 곱합니다. W3는 0.1, 2를 씁니다. off는 끕니다.',
      tryThis: '약간 큰 학습률로 시작해 0.1, 2(또는 0.5, 3)로 두세요. 최종 학습률 열에서 몇 번 줄었는지 보이고, 줄 때마다 손실 곡선이 다시 내려갑니다.',
      wrong: '비율이 너무 작거나 인내 에포크가 너무 짧으면 학습률이 거의 0이 되어 일찍 멈춥니다. 검증 비율이 있어야 작동합니다.',
    },
  },
  keep_best: {
    en: {
      does: 'ModelCheckpoint (W3): before testing, restore the weights of the epoch with the best validation loss instead of keeping the last epoch\'s.',
      tryThis: 'Turn it on for a row that overfits (val loss turns up late) and compare its test loss with the same row off.',
      wrong: 'Without a validation split there is nothing to pick the best epoch by (the training loss is used, which is almost always the last epoch).',
    },
    ko: {
      does: 'ModelCheckpoint(W3): 테스트 전에 마지막 에포크 대신 검증 손실이 가장 좋았던 에포크의 가중치로 되돌립니다.',
      tryThis: '과대적합하는 행(나중에 검증 손실이 오르는 행)에서 켜고, 끈 행과 테스트 손실을 비교해 보세요.',
      wrong: '검증 비율이 없으면 최적 에포크를 고를 기준이 없습니다(훈련 손실을 쓰므로 거의 항상 마지막 에포크입니다).',
    },
  },
  notes: {
    en: {
      does: 'Free text for what you expected or saw. Changing it never retrains.',
      tryThis: 'Write the prediction before the row runs ("sigmoid will be slower"), then check it against the result.',
      wrong: 'Notes are not read by formulas or training: a setting typed here has no effect.',
    },
    ko: {
      does: '예상이나 관찰을 적는 자유 메모입니다. 바꿔도 다시 학습하지 않습니다.',
      tryThis: '행이 돌기 전에 예측을 적고("sigmoid가 더 느릴 것") 결과와 비교해 보세요.',
      wrong: '메모는 수식이나 학습에 쓰이지 않습니다. 여기에 적은 설정은 효과가 없습니다.',
    },
  },
  status: {
    en: {
      does: 'Where the row stands: queued, running (with progress), done, diverged (with the epoch and the likely cause), failed (with the reason), stale (edited, waiting for "run stale") or invalid input.',
      tryThis: 'Hover or select a row to read the whole message; a diverged row usually wants a smaller learning rate.',
      wrong: 'A setting whose formula reads a status (=IF(O2="running", 2, 1)) changes when that run starts and again when it ends, so its row trains again each time.',
    },
    ko: {
      does: '행의 상태: 대기, 실행 중(진행률), 완료, 발산(에포크와 가능한 원인), 실패(이유), 오래됨(수정 후 "오래된 행 실행" 대기), 잘못된 입력.',
      tryThis: '행을 선택하면 전체 메시지를 볼 수 있습니다. 발산한 행은 대개 더 작은 학습률이 필요합니다.',
      wrong: '상태를 읽는 설정 수식(=IF(O2="running", 2, 1))은 그 실행이 시작될 때와 끝날 때 값이 바뀌므로, 그 행은 그때마다 다시 학습합니다.',
    },
  },
  train_loss: {
    en: {
      does: 'The loss on the training set over the last epoch: cross-entropy for classification, mean squared error for regression. Lower is better.',
      wrong: 'Much lower than the validation loss means the model memorizes the training data (overfitting, W11).',
    },
    ko: {
      does: '마지막 에포크의 훈련 세트 손실입니다. 분류는 교차 엔트로피, 회귀는 평균 제곱 오차이며 낮을수록 좋습니다.',
      wrong: '검증 손실보다 훨씬 낮으면 모델이 훈련 데이터를 외우고 있다는 뜻입니다(과대적합, W11).',
    },
  },
  train_acc: {
    en: {
      does: 'Accuracy on the training set over the last epoch (W1 reports 0.989).',
      wrong: 'Near 1.0 with a much lower validation or test accuracy is overfitting.',
    },
    ko: {
      does: '마지막 에포크의 훈련 세트 정확도입니다(W1은 0.989).',
      wrong: '1.0에 가까운데 검증·테스트 정확도가 훨씬 낮으면 과대적합입니다.',
    },
  },
  val_loss: {
    en: {
      does: 'The loss on the validation split after the last epoch; empty without a validation split. The callbacks watch this number.',
      wrong: 'Rising while the training loss keeps falling: overfitting. Dropout and L2 regularization narrow the gap, and so does stopping early (W11).',
    },
    ko: {
      does: '마지막 에포크 후 검증 세트의 손실입니다. 검증 비율이 없으면 비어 있습니다. 콜백은 이 값을 봅니다.',
      wrong: '훈련 손실은 계속 줄어드는데 이 값이 오르면 과대적합입니다. 드롭아웃과 L2 규제, 그리고 조기 종료가 차이를 줄입니다(W11).',
    },
  },
  val_acc: {
    en: { does: 'Accuracy on the validation split after the last epoch; compare it with train acc to see the gap.' },
    ko: { does: '마지막 에포크 후 검증 세트의 정확도입니다. 훈련 정확도와 비교해 차이를 보세요.' },
  },
  test_loss: {
    en: { does: 'The loss on the held-out test set, which the model never trained on (W1 reports 0.0691).' },
    ko: { does: '모델이 학습에 쓰지 않은 테스트 세트의 손실입니다(W1은 0.0691).' },
  },
  test_acc: {
    en: {
      does: 'Accuracy on the held-out test set: the number to sort by. W1 reports 0.9788 on MNIST; the XOR perceptron stays near 0.5-0.75 (W8).',
      wrong: 'One run on one seed is noisy: repeat over seeds (1..5) before believing a small difference.',
    },
    ko: {
      does: '테스트 세트의 정확도로, 정렬 기준이 되는 값입니다. W1은 MNIST에서 0.9788, XOR 퍼셉트론은 0.5~0.75 근처에 머뭅니다(W8).',
      wrong: '시드 하나의 한 번 실행은 잡음이 큽니다. 작은 차이를 믿기 전에 여러 시드(1..5)로 반복하세요.',
    },
  },
  test_mae: {
    en: { does: 'Regression only: the mean absolute error on the test set, in the target\'s units (the notes\' W14 reports MAE as 0.4 % of PUE).' },
    ko: { does: '회귀 전용: 테스트 세트의 평균 절대 오차로, 목표값과 같은 단위입니다(노트의 W14는 MAE를 PUE의 0.4 %로 보고합니다).' },
  },
  epochs_run: {
    en: { does: 'Epochs actually trained: fewer than asked when early stopping ended the run or it diverged.' },
    ko: { does: '실제로 학습한 에포크 수입니다. 조기 종료되었거나 발산하면 요청한 수보다 적습니다.' },
  },
  best_epoch: {
    en: { does: 'The epoch with the lowest validation loss (the training loss without a validation split). Far before the last epoch means the rest was overfitting.' },
    ko: { does: '검증 손실이 가장 낮았던 에포크입니다(검증 비율이 없으면 훈련 손실 기준). 마지막 에포크보다 훨씬 앞이면 그 뒤는 과대적합이었다는 뜻입니다.' },
  },
  final_lr: {
    en: { does: 'The learning rate at the end of training: lower than the lr column after reduce-on-plateau steps.' },
    ko: { does: '학습이 끝났을 때의 학습률입니다. 학습률 감소가 작동했다면 학습률 열보다 작습니다.' },
  },
  params: {
    en: { does: 'The number of weights in the model, known before training. W1\'s Dense(512) on MNIST has 407,050; W4\'s conv layers have 160, 8,224 and 32,832.' },
    ko: { does: '모델의 가중치 개수로, 학습 전에 알 수 있습니다. MNIST의 W1 Dense(512)는 407,050개, W4의 합성곱 층은 160, 8,224, 32,832개입니다.' },
  },
  samples_per_s: {
    en: { does: 'Training speed: samples processed per second over all epochs. Larger batches usually raise it.' },
    ko: { does: '학습 속도: 전체 에포크 동안 초당 처리한 샘플 수입니다. 배치가 크면 대개 빨라집니다.' },
  },
  time: {
    en: { does: 'Wall-clock training time in seconds.' },
    ko: { does: '학습에 걸린 실제 시간(초)입니다.' },
  },
  backend: {
    en: { does: 'The TensorFlow.js backend that trained the row: webgl (a GPU, or software), wasm or cpu. The same seed gives the same run only on the same backend.' },
    ko: { does: '행을 학습한 TensorFlow.js 백엔드: webgl(GPU 또는 소프트웨어), wasm, cpu. 같은 시드라도 백엔드가 같아야 같은 결과가 나옵니다.' },
  },
};

/** The help for a column in a language, or undefined for a column without any (a formula column). */
export function columnHelp(key: string, locale: HelpLocale): HelpText | undefined {
  return Object.hasOwn(COLUMN_HELP, key) ? COLUMN_HELP[key]![locale] : undefined;
}
