// Words of the initialisation setting (how the starting weights are drawn), in English and Korean.
import { register } from "../i18n.js";

register({
  en: {
    "init.label": "Initialisation",
    "init.title": "How the starting weights are drawn. Suited to the activation: a spread that keeps the signal's size from layer to layer (He for ReLU, Glorot otherwise). Naive small: every weight tiny (normal, std 0.01), so in a deep network the signal and the gradients shrink at every layer.",
    "option.initialization.suited": "suited to the activation (He or Glorot)",
    "option.initialization.small": "naive: small (std 0.01)",
  },
  ko: {
    "init.label": "초기화",
    "init.title": "처음 가중치를 어떻게 뽑을지 정합니다. 활성화 함수에 맞춤: 층을 지날 때마다 신호의 크기가 유지되도록 퍼짐을 정합니다(ReLU는 He, 나머지는 Glorot). 단순한 작은 값: 모든 가중치를 아주 작게(정규분포, 표준편차 0.01) 뽑으므로, 깊은 네트워크에서는 신호와 그레이디언트가 층마다 줄어듭니다.",
    "option.initialization.suited": "활성화 함수에 맞춤 (He 또는 Glorot)",
    "option.initialization.small": "단순한 작은 값 (표준편차 0.01)",
  },
});
